# Sourced by every bench script, so they share one setup: they run from the
# repository root, build what they measure in release mode (binaries in
# $BENCH_BIN), and tag every process they start with a marker, so that a
# benchmark that leaves one behind fails (scripts/leftover-processes.sh).
#   source "$(dirname "$0")/bench-common.sh"
#   bench_build chorus-bench chorus     release builds of these products
#   bench_marker                        exports CHORUS_PROCESS_MARKER
#   bench_leftovers                     unsets it; fails if a tagged process is still there
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BENCH_BIN=.build/release

bench_build() {
  local product
  for product in "$@"; do swift build -c release --product "$product" >&2; done
}

bench_marker() {
  CHORUS_PROCESS_MARKER="chorus-bench-$$-$(date +%s)"
  export CHORUS_PROCESS_MARKER
}

bench_leftovers() {
  local marker="$CHORUS_PROCESS_MARKER"
  unset CHORUS_PROCESS_MARKER
  bash scripts/leftover-processes.sh "$marker"
}
