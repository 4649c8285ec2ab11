#!/usr/bin/env bash
# Runs Chorus's own benchmarks (release build) and checks that they left no
# process behind: every process they start carries CHORUS_PROCESS_MARKER.
#   bash scripts/bench.sh [--quick] [WORKLOAD...]      e.g. tui research-tui tui-startup events
#   CHORUS_SOAK_MINUTES=120 bash scripts/bench.sh soak  the memory soak (RSS every minute on stderr)
source "$(dirname "$0")/bench-common.sh"
bench_build chorus-bench chorus
bench_marker
status=0
"$BENCH_BIN/chorus-bench" "$@" || status=$?
bench_leftovers || status=1
exit "$status"
