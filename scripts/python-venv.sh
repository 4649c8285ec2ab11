#!/usr/bin/env bash
# Makes (once) a Python venv from a pinned requirements file and prints its
# python's path; a stamp of the requirements and the Python version makes a
# re-run return at once. Used by scripts/serve/sdk-venv.sh and
# scripts/mcp/mcp-venv.sh.
#   bash scripts/python-venv.sh VENV REQUIREMENTS "import a, b" LABEL
set -euo pipefail
venv="$1" requirements="$2" check="$3" label="$4"
python="${PYTHON:-python3}"
want="$(sha256sum <"$requirements" | cut -c1-16) $("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.chorus-stamp" 2>/dev/null)" = "$want" ]; then
  echo "$venv/bin/python"
  exit 0
fi
echo "python-venv: installing $label into $venv" >&2
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" >&2
"$venv/bin/python" -c "$check" >&2
echo "$want" >"$venv/.chorus-stamp"
echo "$venv/bin/python"
