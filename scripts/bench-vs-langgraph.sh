#!/usr/bin/env bash
# Runs the shared benchmark workloads on real LangGraph (Python) and on the
# Chorus engine in one sitting, alternating (LangGraph, Chorus, LangGraph,
# Chorus), and prints the ratio of medians with the issue targets.
#   bash scripts/bench-vs-langgraph.sh [--quick] [--runs N] [WORKLOAD...]
source "$(dirname "$0")/bench-common.sh"
BENCH="$(cd ../shared/bench && pwd)"
OUT="${BENCH_OUT:-.bench-results}"
RUNS=2
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done
mkdir -p "$OUT"
bash "$BENCH/langgraph/setup.sh" >&2
bench_build chorus-bench
bench_marker
for i in $(seq 1 "$RUNS"); do
  echo "[bench-vs-langgraph] run $i/$RUNS: LangGraph" >&2
  "$BENCH/langgraph/.venv/bin/python" "$BENCH/langgraph/bench.py" ${ARGS[@]+"${ARGS[@]}"} > "$OUT/langgraph-$i.json"
  echo "[bench-vs-langgraph] run $i/$RUNS: Chorus" >&2
  "$BENCH_BIN/chorus-bench" ${ARGS[@]+"${ARGS[@]}"} > "$OUT/chorus-$i.json"
done
bench_leftovers
python3 scripts/bench_table.py "$OUT" "$RUNS"
