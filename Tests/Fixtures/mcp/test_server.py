#!/usr/bin/env python3
"""An MCP server (stdio) for Chorus's tool tests, written with the official
Python MCP SDK, that misbehaves on demand:

  echo(text)            read-only: returns text
  add(a, b)             read-only: returns a + b
  write_note(text)      changes things (no readOnlyHint): appends to $NOTES_FILE
  slow(seconds)         read-only: sleeps, then returns "slept"; records
                        start/end times to $CALL_LOG to show concurrency
  fail(message)         read-only: the tool reports an error (isError)
  crash()               read-only: the process exits at once, mid-call
  stall()               read-only: never answers

`--exit-at-start` makes it exit before answering initialize (a server that
cannot start), after writing a line on stderr. `--http PORT_FILE` serves
streamable HTTP on a free loopback port instead (replies as SSE streams),
written to PORT_FILE once listening; with `--require-header NAME=VALUE`
requests without that header get 401.
"""
import asyncio
import os
import sys
import time

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations

READ_ONLY = ToolAnnotations(readOnlyHint=True)
server = MCPServer("chorus-test-server")


def log_call(what):
    path = os.environ.get("CALL_LOG")
    if path:
        with open(path, "a") as f:
            f.write(f"{what} {time.monotonic():.6f}\n")


@server.tool(annotations=READ_ONLY)
def echo(text: str) -> str:
    """Returns the text it is given."""
    return text


@server.tool(annotations=READ_ONLY)
def add(a: int, b: int) -> str:
    """Adds two whole numbers."""
    return str(a + b)


@server.tool()
def write_note(text: str) -> str:
    """Appends a line to the notes file."""
    with open(os.environ["NOTES_FILE"], "a") as f:
        f.write(text + "\n")
    return "noted"


@server.tool(annotations=READ_ONLY)
async def slow(seconds: float) -> str:
    """Sleeps for the given seconds."""
    log_call("start")
    await asyncio.sleep(seconds)
    log_call("end")
    return "slept"


@server.tool(annotations=READ_ONLY)
def fail(message: str) -> str:
    """Always fails with the message."""
    raise ToolError(message)


@server.tool(annotations=READ_ONLY)
def crash() -> str:
    """Ends the server process mid-call."""
    os._exit(3)


@server.tool(annotations=READ_ONLY)
async def stall() -> str:
    """Never answers."""
    await asyncio.sleep(3600)
    return "late"


def serve_http(port_file, required):
    import socket

    import uvicorn

    app = server.streamable_http_app()

    async def guarded(scope, receive, send):
        if required and scope["type"] == "http":
            name, value = required.split("=", 1)
            headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            if headers.get(name.lower()) != value:
                await send({"type": "http.response.start", "status": 401, "headers": [(b"content-type", b"text/plain")]})
                await send({"type": "http.response.body", "body": b"missing header"})
                return
        await app(scope, receive, send)

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(sock.getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    config = uvicorn.Config(guarded, log_level="error", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    if "--exit-at-start" in sys.argv:
        print("test_server: told to exit at start", file=sys.stderr, flush=True)
        sys.exit(7)
    if "--http" in sys.argv:
        args = sys.argv
        required = args[args.index("--require-header") + 1] if "--require-header" in args else None
        serve_http(args[args.index("--http") + 1], required)
    else:
        server.run("stdio")
