#!/usr/bin/env bash
# Serving benchmark, side by side in one sitting: `chorus serve` (release,
# offline model at 100 tokens/s) and, when the shared kit is beside the
# repository (../shared/serve/langgraph-dev), the reference `langgraph dev`
# (100 tokens, 10 ms apart). Levels alternate between the two servers.
# Each stream gets its own thread and uses messages-tuple. Two clients:
# Benchmarks/serve/bench_serve.py (the kit's Python load generator, measures
# time to first token; it saturates a core near C=100) and
# Benchmarks/serve/curl-load.sh (libcurl, for C up to 1,000; time to first byte).
#   bash scripts/bench-serve.sh [PY_LEVELS] [CURL_LEVELS] [REFERENCE_CURL_LEVELS]
#   defaults: 1,10,100  100,500,1000  100,500 (the reference takes ~1 min at 500)
# Results: .bench-results/serve-*/ (one JSON per server and level, plus startup times).
source "$(dirname "$0")/bench-common.sh"
py_levels="${1:-1,10,100}"
curl_levels="${2:-100,500,1000}"
reference_curl_levels="${3:-100,500}"
kit="../shared/serve/langgraph-dev"
out=".bench-results/serve-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
bench_build chorus
python="$(bash scripts/serve/sdk-venv.sh)"
work="$(mktemp -d -t chorus-bench-serve.XXXXXX)"
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

now() { date +%s.%N; }

# The reference, set up once in a writable copy of the kit.
reference=""
if [ -d "$kit" ]; then
  reference="${XDG_CACHE_HOME:-$HOME/.cache}/chorus-langgraph-dev"
  if [ ! -x "$reference/.venv/bin/langgraph" ]; then
    rm -rf "$reference"; cp -r "$kit" "$reference"; chmod -R u+w "$reference"
    bash "$reference/setup.sh" >&2
  fi
fi

start_chorus() {
  local t0; t0=$(now)
  CHORUS_OFFLINE_TOKENS_PER_SECOND=100 "$BENCH_BIN/chorus" serve --port 0 --db "$work/chorus-$1.sqlite" \
    >"$work/chorus.out" 2>"$work/chorus.log" &
  chorus_pid=$!; pids+=("$chorus_pid")
  until grep -q "listening on" "$work/chorus.out" 2>/dev/null; do sleep 0.005; done
  chorus_url="$(sed -n 's/^chorus serve: listening on //p' "$work/chorus.out")"
  until curl -sf "$chorus_url/ok" >/dev/null; do sleep 0.005; done
  echo "chorus startup_to_ok_s=$(echo "$(now) - $t0" | bc)" | tee -a "$out/startup.txt" >&2
}

bench() { # NAME URL PID LEVEL TOKENS
  "$python" Benchmarks/serve/bench_serve.py --url "$2" --assistant chat --concurrency "$4" --tokens "$5" --delay-ms 10 \
    --server-pid "$3" --label "$1" --out "$out/$1-c$4.json" >/dev/null
  "$python" - "$out/$1-c$4.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
keys = ("C", "wall_s", "ideal_s", "wall_over_ideal", "ttft_p50_ms", "ttft_p99_ms", "errors", "server_peak_rss_sampled_mb", "server_cpu_s", "tokens_total", "agg_tokens_per_s")
print(sys.argv[1].rsplit("/", 1)[-1], " ".join(f"{k}={r.get(k)}" for k in keys))
PY
}

start_reference() {
  PORT=2124 TOKENS=100 DELAY_MS=10 bash "$reference/start.sh" 2>&1 | grep -o "startup_to_ok_s=[0-9.]*" | sed 's/^/langgraph-dev /' | tee -a "$out/startup.txt" >&2
  reference_pid="$(cat "$reference/run/server.pid")"
}

# Python client, alternating servers level by level.
IFS=, read -ra levels <<<"$py_levels"
for level in "${levels[@]}"; do
  start_chorus "py$level"
  bench chorus "$chorus_url" "$chorus_pid" "$level" 0
  kill "$chorus_pid"; wait "$chorus_pid" 2>/dev/null || true
  if [ -n "$reference" ]; then
    start_reference
    bench langgraph-dev "http://127.0.0.1:2124" "$reference_pid" "$level" 100
    bash "$reference/stop.sh" >/dev/null 2>&1 || true
  fi
done
# curl client.
IFS=, read -ra levels <<<"$curl_levels"
for level in "${levels[@]}"; do
  start_chorus "curl$level"
  echo "chorus curl $(bash Benchmarks/serve/curl-load.sh "$chorus_url" "$level" "$chorus_pid")" | tee -a "$out/curl.txt"
  kill "$chorus_pid"; wait "$chorus_pid" 2>/dev/null || true
  if [ -n "$reference" ] && [[ ",$reference_curl_levels," == *",$level,"* ]]; then
    start_reference
    echo "langgraph-dev curl $(bash Benchmarks/serve/curl-load.sh "http://127.0.0.1:2124" "$level" "$reference_pid" 100)" | tee -a "$out/curl.txt"
    bash "$reference/stop.sh" >/dev/null 2>&1 || true
  fi
done
echo "results in $out" >&2
