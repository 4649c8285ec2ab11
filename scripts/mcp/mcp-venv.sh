#!/usr/bin/env bash
# Makes (once) a Python venv holding real MCP servers for the tool tests
# (mcp-server-time, mcp-server-git, and the Python MCP SDK that
# Tests/Fixtures/mcp/test_server.py is written with) and prints its python's path.
# Kept in ~/.cache/chorus-mcp-servers (CHORUS_MCP_VENV to move it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../python-venv.sh" "${CHORUS_MCP_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/chorus-mcp-servers}" \
  "$here/mcp-requirements.txt" "import mcp, mcp_server_time, mcp_server_git" "MCP servers"
