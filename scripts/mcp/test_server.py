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
cannot start), after writing a line on stderr.
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


if __name__ == "__main__":
    if "--exit-at-start" in sys.argv:
        print("test_server: told to exit at start", file=sys.stderr, flush=True)
        sys.exit(7)
    server.run("stdio")
