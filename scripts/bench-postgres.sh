#!/usr/bin/env bash
# PostgreSQL benchmarks (chorus serve on several instances), in one sitting on
# a throwaway cluster (scripts/pg/pg.sh; fsync and synchronous_commit on):
#  1. checkpoint: the shared workload's 50-node chain, a fresh thread per call,
#     on Chorus's PostgreSQL checkpointer (each step saved before the next, and
#     asynchronous) and on LangGraph's AsyncPostgresSaver, alternating runs
#     (LangGraph needs ../shared/bench beside the repository).
#  2. start latency: runs queued straight into the database, as an instance
#     with no room leaves them, on an idle cluster of two instances; the time
#     from the queue row to an instance starting it (p50/p99).
#  3. 1,000 concurrent streams on two instances (offline model, 100 tokens/s),
#     500 through each (Benchmarks/serve/curl-load.sh): wall time over ideal.
#   bash scripts/bench-postgres.sh [RUNS]   (RUNS: alternations of part 1, default 3;
#                                            SKIP_CHECKPOINT=1 skips part 1)
# Results: .bench-results/postgres-*/.
source "$(dirname "$0")/bench-common.sh"
runs="${1:-3}"
out=".bench-results/postgres-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
bench_build chorus-bench chorus
bin="$BENCH_BIN"
pgdir="$(mktemp -d -t chorus-bench-pg.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  bash scripts/pg/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap cleanup EXIT
url="$(bash scripts/pg/pg.sh start "$pgdir")"
echo "PostgreSQL $(psql "$url" -Atc 'show server_version') at $url" | tee "$out/server.txt" >&2

if [ "${SKIP_CHECKPOINT:-0}" != 1 ]; then
# 1. Checkpointing, alternating with LangGraph's saver.
shared="../shared/bench/langgraph"
lg_python=""
if [ -f "$shared/bench.py" ]; then
  lg_python="$(bash scripts/python-venv.sh "${XDG_CACHE_HOME:-$HOME/.cache}/chorus-langgraph-bench" "$shared/requirements.lock.txt" \
    "import langgraph, langgraph.checkpoint.postgres.aio, psycopg" "LangGraph (benchmark)")" || lg_python=""
fi
for i in $(seq 1 "$runs"); do
  if [ -n "$lg_python" ]; then
    BENCH_POSTGRES_URL="$url" "$lg_python" "$shared/bench.py" postgres >"$out/langgraph-$i.json"
  fi
  BENCH_POSTGRES_URL="$url" "$bin/chorus-bench" postgres >"$out/chorus-$i.json"
done
python3 - "$out" "$runs" <<'PY' | tee "$out/checkpoint.txt"
import json, os, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
def pick(name, key):
    values = []
    for i in range(1, runs + 1):
        path = f"{out}/{name}-{i}.json"
        if not os.path.exists(path): continue
        data = json.load(open(path))["workloads"]
        block = data.get("checkpoint") or data.get("postgres") or {}
        if block.get(key) is not None: values.append(block[key])
    return values
lg = pick("langgraph", "postgres_astep_us")
sync, asyn = pick("chorus", "postgres_astep_us"), pick("chorus", "postgres_async_astep_us")
print("chorus us/step, each step saved before the next:", sync)
print("chorus us/step, asynchronous durability:        ", asyn)
print("LangGraph AsyncPostgresSaver us/step:            ", lg or "not run (../shared/bench absent)")
if lg:
    ref = statistics.median(lg)
    print(f"ratio, saved before the next: {ref / statistics.median(sync):.1f}x (target >= 5x: {'met' if ref / statistics.median(sync) >= 5 else 'NOT met'})")
    print(f"ratio, asynchronous:          {ref / statistics.median(asyn):.1f}x (target >= 10x: {'met' if ref / statistics.median(asyn) >= 10 else 'NOT met'})")
PY
fi

# Two instances on one fresh schema.
start_instance() { # NAME SCHEMA EXTRA...: sets instance_url and instance_pid
  local name="$1" schema="$2"; shift 2
  CHORUS_OFFLINE_TOKENS_PER_SECOND=100 "$bin/chorus" serve --port 0 --db "$pgdir/$name.sqlite" --database "$url?schema=$schema" "$@" \
    >"$pgdir/$name.out" 2>"$pgdir/$name.log" &
  instance_pid=$!
  pids+=("$instance_pid")
  until grep -q "listening on" "$pgdir/$name.out" 2>/dev/null; do sleep 0.02; done
  instance_url="$(sed -n 's/^chorus serve: listening on //p' "$pgdir/$name.out")"
}

# 2. Start latency on an idle cluster: one run at a time, queued by SQL and announced with NOTIFY.
start_instance a latency
start_instance b latency
request='{"assistant_id": "chat", "input": {"messages": [{"role": "user", "content": "hi"}]}}'
for i in $(seq 1 200); do
  psql "$url" -q -c "BEGIN; INSERT INTO latency.runs (run_id, thread_id, stateless, assistant_id, request, status, created_at, updated_at)
    VALUES ('bench-$i', gen_random_uuid()::text, true, 'chat', '$request', 'pending',
            extract(epoch from clock_timestamp()), extract(epoch from clock_timestamp()));
    SELECT pg_notify('chorus_runs', 'q'); COMMIT;" >/dev/null
  sleep 0.05
done
sleep 3
psql "$url" -At -c "SELECT 'start latency ms: n=' || count(*) || ' p50=' || round((percentile_cont(0.5) WITHIN GROUP (ORDER BY started_at - created_at) * 1000)::numeric, 2)
  || ' p99=' || round((percentile_cont(0.99) WITHIN GROUP (ORDER BY started_at - created_at) * 1000)::numeric, 2)
  || ' max=' || round((max(started_at - created_at) * 1000)::numeric, 2) || ' not started=' || count(*) FILTER (WHERE started_at IS NULL)
  || ' by instance: ' || string_agg(DISTINCT substr(owner, 1, 40), ', ')
  FROM latency.runs WHERE run_id LIKE 'bench-%'" | tee "$out/latency.txt"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null || true; done
pids=()

# 3. 1,000 streams, 500 through each of two instances, at once.
start_instance a2 streams
a_url="$instance_url" a_pid="$instance_pid"
start_instance b2 streams
b_url="$instance_url" b_pid="$instance_pid"
# Where the time goes: statements the database committed, and its CPU (all postgres processes).
pg_cpu() { local t=0; for p in $(pgrep -x postgres); do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
commits() { psql "$url" -Atc "SELECT xact_commit FROM pg_stat_database WHERE datname = 'chorus'"; }
c0="$(commits)"; p0="$(pg_cpu)"
bash Benchmarks/serve/curl-load.sh "$a_url" 500 "$a_pid" >"$out/streams-a.txt" &
load_a=$!
bash Benchmarks/serve/curl-load.sh "$b_url" 500 "$b_pid" >"$out/streams-b.txt" &
load_b=$!
wait "$load_a" "$load_b"
echo "database during the streams (thread creation included): $(( $(commits) - c0 )) transactions, $(( ($(pg_cpu) - p0) / $(getconf CLK_TCK) )) s of PostgreSQL CPU" \
  | tee "$out/streams-database.txt"
echo "instance a: $(cat "$out/streams-a.txt")" | tee "$out/streams.txt"
echo "instance b: $(cat "$out/streams-b.txt")" | tee -a "$out/streams.txt"
python3 - "$out/streams-a.txt" "$out/streams-b.txt" <<'PY' | tee -a "$out/streams.txt"
import sys
rows = [dict(kv.split("=", 1) for kv in open(p).read().split()) for p in sys.argv[1:]]
wall = max(float(r["wall_s"]) for r in rows)
tokens = min(int(float(r["tokens_per_stream_p50"])) for r in rows)
ideal = tokens * 0.01
errors = sum(int(r.get("errors", "0")) for r in rows)
ratio = wall / ideal if ideal else float("nan")
print(f"1,000 streams on two instances: wall {wall:.2f} s, ideal {ideal:.2f} s ({tokens} tokens x 10 ms), wall/ideal {ratio:.2f} "
      f"(target <= 1.3: {'met' if ratio <= 1.3 and errors == 0 else 'NOT met'}), errors {errors}")
PY
echo "results in $out" >&2
