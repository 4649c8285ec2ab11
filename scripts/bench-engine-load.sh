#!/usr/bin/env bash
# Engine load side by side with real LangGraph in one sitting (issue 15):
# 10,000 Send tasks (no work, and sleeping 10 ms) under max concurrency
# 1,000, and RSS over 10,000 checkpointed invocations. Each workload runs in
# a fresh process per side, alternating LangGraph and Chorus; then the
# Chorus-only policy overhead. Prints the ratio table.
#   bash scripts/bench-engine-load.sh [--quick] [--runs N]
source "$(dirname "$0")/bench-common.sh"
BENCH="$(cd ../shared/bench && pwd)"
PY="$BENCH/langgraph/.venv/bin/python"
OUT="${BENCH_OUT:-.bench-results/engine-load}"
RUNS=2
QUICK=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS="$2"; shift 2 ;;
    --quick) QUICK=(--quick); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
bash "$BENCH/langgraph/setup.sh" >&2
bench_build chorus-bench
bench_marker
merge() { python3 -c 'import json,sys; print(json.dumps({"workloads": {k: v for f in sys.argv[1:] for k, v in json.load(open(f))["workloads"].items()}}))' "$@"; }
for i in $(seq 1 "$RUNS"); do
  parts_lg=() parts_ch=()
  for w in sends10k sends10k-sleep invocations10k; do
    echo "[bench-engine-load] run $i/$RUNS $w: LangGraph" >&2
    "$PY" Benchmarks/langgraph/engine_load.py "$w" ${QUICK[@]+"${QUICK[@]}"} > "$OUT/lg-$w-$i.json"
    echo "[bench-engine-load] run $i/$RUNS $w: Chorus" >&2
    "$BENCH_BIN/chorus-bench" "$w" ${QUICK[@]+"${QUICK[@]}"} > "$OUT/ch-$w-$i.json"
    parts_lg+=("$OUT/lg-$w-$i.json") parts_ch+=("$OUT/ch-$w-$i.json")
  done
  "$BENCH_BIN/chorus-bench" policies ${QUICK[@]+"${QUICK[@]}"} > "$OUT/ch-policies-$i.json"
  merge "${parts_lg[@]}" > "$OUT/langgraph-$i.json"
  merge "${parts_ch[@]}" "$OUT/ch-policies-$i.json" > "$OUT/chorus-$i.json"
done
bench_leftovers
python3 scripts/bench_table.py "$OUT" "$RUNS"
