#!/usr/bin/env bash
# Makes (once) a Python venv holding real MCP servers for the tool tests
# (mcp-server-time, mcp-server-git, and the Python MCP SDK that
# scripts/mcp/test_server.py is written with) and prints its python's path.
# Kept in ~/.cache/chorus-mcp-servers (CHORUS_MCP_VENV to move it); a stamp
# of the requirements makes a re-run return at once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${CHORUS_MCP_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/chorus-mcp-servers}"
requirements="$here/mcp-requirements.txt"
python="${PYTHON:-python3}"
want="$(sha256sum <"$requirements" | cut -c1-16) $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.chorus-stamp" 2>/dev/null)" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi
echo "mcp-venv: installing MCP servers into $venv" >&2
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" >&2
"$venv/bin/python" -c 'import mcp, mcp_server_time, mcp_server_git' >&2
echo "$want" >"$venv/.chorus-stamp"
echo "$venv/bin/python"
