#!/usr/bin/env bash
# The test command on a loaded machine: scripts/test.sh with CPU-bound
# processes running beside it the whole time (default 2: one per core here),
# to check that no test's deadline measures the machine's load rather than
# what it tests. Installs stress-ng (Debian) when missing.
#   bash scripts/test-loaded.sh [WORKERS]
set -euo pipefail
cd "$(dirname "$0")/.."
workers="${1:-2}"
if ! command -v stress-ng >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq stress-ng >/dev/null
fi
# Bounded: it stops by itself after 3 hours even if this script is killed.
stress-ng --cpu "$workers" --timeout 3h --quiet &
stress=$!
trap 'kill "$stress" 2>/dev/null || true; wait "$stress" 2>/dev/null || true' EXIT
echo "test-loaded.sh: $workers CPU-bound stress-ng workers running beside the tests" >&2
bash scripts/test.sh
