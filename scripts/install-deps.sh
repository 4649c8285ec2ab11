#!/usr/bin/env bash
# Installs the system packages Chorus needs (ncurses, SQLite headers, tmux for
# terminal tests) when they are missing. Needs root (or sudo) only when something is missing.
set -euo pipefail
missing=()
for pkg in libncurses-dev libsqlite3-dev tmux; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
