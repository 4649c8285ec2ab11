#!/usr/bin/env bash
# Runs Chorus's own benchmarks (release build) and checks that they left no
# process behind: every process they start carries CHORUS_PROCESS_MARKER.
#   bash scripts/bench.sh [--quick] [WORKLOAD...]      e.g. tui research-tui tui-startup events
#   CHORUS_SOAK_MINUTES=120 bash scripts/bench.sh soak  the memory soak (RSS every minute on stderr)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product chorus-bench >&2
swift build -c release --product chorus >&2
marker="chorus-bench-$$-$(date +%s)"
status=0
CHORUS_PROCESS_MARKER="$marker" .build/release/chorus-bench "$@" || status=$?
bash scripts/leftover-processes.sh "$marker" || status=1
exit "$status"
