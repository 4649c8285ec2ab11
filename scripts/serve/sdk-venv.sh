#!/usr/bin/env bash
# Makes (once) a Python venv holding the real langgraph-sdk client, for the
# tests that drive `chorus serve` with it, and prints its python's path.
# Kept in ~/.cache/chorus-langgraph-sdk (CHORUS_SDK_VENV to move it); a stamp
# of the requirements makes a re-run return at once.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${CHORUS_SDK_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/chorus-langgraph-sdk}"
requirements="$here/sdk-requirements.txt"
python="${PYTHON:-python3}"
want="$(sha256sum <"$requirements" | cut -c1-16) $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.chorus-stamp" 2>/dev/null)" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi
echo "sdk-venv: installing langgraph-sdk into $venv" >&2
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" >&2
"$venv/bin/python" -c 'import langgraph_sdk, httpx' >&2
echo "$want" >"$venv/.chorus-stamp"
echo "$venv/bin/python"
