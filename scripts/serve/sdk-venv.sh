#!/usr/bin/env bash
# Makes (once) a Python venv holding the real langgraph-sdk client, for the
# tests that drive `chorus serve` with it, and prints its python's path.
# Kept in ~/.cache/chorus-langgraph-sdk (CHORUS_SDK_VENV to move it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/../python-venv.sh" "${CHORUS_SDK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/chorus-langgraph-sdk}" \
  "$here/sdk-requirements.txt" "import langgraph_sdk, httpx" "langgraph-sdk"
