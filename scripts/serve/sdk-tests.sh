#!/usr/bin/env bash
# Drives a built `chorus serve` with the real, unmodified langgraph-sdk client:
# sdk-check.py (the chat-client flow), sdk-more.py (every stream mode,
# resumable joins, multitask, interrupts, history), then a graceful-shutdown
# check (SIGTERM mid-run: exit 0, the thread resumes after a restart).
# Runs CHORUS_BIN (default .build/debug/chorus; the test command passes the
# ThreadSanitizer build, and any race report in the server's log fails the
# run). Without the SDK (no PyPI) it warns and skips.
set -euo pipefail
cd "$(dirname "$0")/../.."
chorus="${CHORUS_BIN:-.build/debug/chorus}"
python="$(bash scripts/serve/sdk-venv.sh)" || {
  echo "sdk-tests: WARNING: langgraph-sdk could not be installed; the SDK tests were skipped" >&2
  exit 0
}
work="$(mktemp -d -t chorus-sdk.XXXXXX)"
pid=""
cluster=()
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; for p in "${cluster[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

# start_server RATE GRACE: serves $work/serve.sqlite on a free port; sets pid and url.
start_server() {
  : >"$work/out"
  CHORUS_OFFLINE_TOKENS_PER_SECOND="$1" "$chorus" serve --port 0 --db "$work/serve.sqlite" --shutdown-grace "$2" \
    >"$work/out" 2>>"$work/log" &
  pid=$!
  for _ in $(seq 1 100); do
    url="$(sed -n 's/^chorus serve: listening on //p' "$work/out")"
    [ -n "$url" ] && return 0
    sleep 0.1
  done
  echo "sdk-tests: chorus serve did not start:" >&2; cat "$work/log" >&2; return 1
}

status=0
start_server 200 10
"$python" scripts/serve/sdk-check.py --url "$url" || status=1
"$python" scripts/serve/sdk-more.py --url "$url" || status=1
kill "$pid"; wait "$pid" || true

# Graceful shutdown: a run still streaming when SIGTERM arrives is interrupted
# after the grace period; the server exits 0 and the thread can be resumed.
start_server 5 0.5
"$python" - "$url" >"$work/thread" <<'PY'
import asyncio, sys
from langgraph_sdk import get_client
async def main():
    c = get_client(url=sys.argv[1], api_key=None)
    t = (await c.threads.create())["thread_id"]
    await c.runs.create(t, "chat", input={"messages": [{"role": "user", "content": "a long reply"}]})
    for _ in range(100):
        if (await c.threads.get_state(t))["values"].get("messages"):
            break
        await asyncio.sleep(0.05)
    print(t)
asyncio.run(main())
PY
thread="$(cat "$work/thread")"
kill -TERM "$pid"
if wait "$pid"; then echo "PASS  SIGTERM mid-run: chorus serve exited 0"; else echo "FAIL  SIGTERM mid-run: exit status $?"; status=1; fi
pid=""
start_server 0 10
"$python" - "$url" "$thread" <<'PY' || status=1
import asyncio, sys
from langgraph_sdk import get_client
async def main():
    c = get_client(url=sys.argv[1], api_key=None)
    t = await c.threads.get(sys.argv[2])
    assert t["status"] == "interrupted", f"thread status after restart: {t['status']}"
    values = await c.runs.wait(sys.argv[2], "chat", input=None)
    kinds = [m["type"] for m in values["messages"]]
    assert kinds == ["human", "ai"], f"resumed to {kinds}"
    print("PASS  after a restart the interrupted thread resumes: human, ai")
try:
    asyncio.run(main())
except AssertionError as e:
    print(f"FAIL  resume after shutdown: {e}")
    sys.exit(1)
PY
kill "$pid"; wait "$pid" || true; pid=""

# Two instances on one PostgreSQL database (CHORUS_TEST_POSTGRES_URL, set by
# scripts/test.sh): the SDK checks against each, runs landing on either.
if [ -n "${CHORUS_TEST_POSTGRES_URL:-}" ]; then
  database="$CHORUS_TEST_POSTGRES_URL?schema=sdk_$$_$(date +%s)"
  urls=()
  for name in a b; do
    : >"$work/$name.out"
    CHORUS_OFFLINE_TOKENS_PER_SECOND=200 "$chorus" serve --port 0 --db "$work/$name.sqlite" --database "$database" \
      >"$work/$name.out" 2>>"$work/log" &
    cluster+=("$!")
    for _ in $(seq 1 100); do grep -q "listening on" "$work/$name.out" && break; sleep 0.1; done
    urls+=("$(sed -n 's/^chorus serve: listening on //p' "$work/$name.out")")
  done
  for u in "${urls[@]}"; do
    [ -n "$u" ] || { echo "FAIL  a chorus serve instance on PostgreSQL did not start"; status=1; continue; }
    echo "sdk-tests: instance $u of two on PostgreSQL"
    "$python" scripts/serve/sdk-check.py --url "$u" || status=1
  done
  [ -n "${urls[1]:-}" ] && { "$python" scripts/serve/sdk-more.py --url "${urls[1]}" || status=1; }
  for p in "${cluster[@]}"; do kill "$p" 2>/dev/null; wait "$p" || true; done
  cluster=()
else
  echo "sdk-tests: WARNING: no PostgreSQL (CHORUS_TEST_POSTGRES_URL); the SDK checks against instances on PostgreSQL were skipped" >&2
fi
if grep -q "WARNING: ThreadSanitizer" "$work/log"; then
  echo "FAIL  ThreadSanitizer reported a race in chorus serve:"; grep -A 30 -m 1 "WARNING: ThreadSanitizer" "$work/log"; status=1
fi
[ "$status" = 0 ] || { echo "sdk-tests: server log:" >&2; tail -n 40 "$work/log" >&2; }
exit "$status"
