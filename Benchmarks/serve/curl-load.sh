#!/usr/bin/env bash
# A load generator light enough for C=1,000 streams on a 2-core machine (the
# Python client of bench_serve.py saturates a core near C=100): one curl
# process, libcurl's multi interface, every stream at once.
#   bash Benchmarks/serve/curl-load.sh URL C SERVER_PID [TOKENS]
# Creates C threads, then opens C runs.stream (messages-tuple) at once, one
# per thread, and prints one line of key=value: wall_s, time to first byte
# p50/p99 (the response head and the run's metadata event arrive together;
# the first token follows one token delay later), token events (non-empty
# messages chunks) per stream min/p50, errors, and the server's peak RSS,
# CPU seconds and CPU microseconds per token event during the streams.
# TOKENS > 0 also asks for config.configurable {tokens, delay_ms: 10}
# (what the reference's graphs read).
set -euo pipefail
url="$1"; c="$2"; pid="$3"; tokens="${4:-0}"
work="$(mktemp -d -t chorus-curl-load.XXXXXX)"
trap 'rm -rf "$work"' EXIT
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz="$(getconf CLK_TCK)"

# Threads first (not timed).
# One option block per transfer (`next` starts the following one).
block() { # URL DATA OUTPUT: 9 lines
  printf 'url = "%s"\nsilent\nno-buffer\nheader = "Content-Type: application/json"\nheader = "Accept: text/event-stream"\n' "$1"
  printf 'data = "%s"\noutput = "%s"\nwrite-out = "%%{http_code} %%{time_starttransfer}\\n"\nnext\n' "$2" "$3"
}
for i in $(seq 1 "$c"); do block "$url/threads" "{}" "$work/t$i"; done | sed '$d' >"$work/threads.cfg"
curl -s -Z --parallel-max 100 -K "$work/threads.cfg" >/dev/null 2>&1
config='"config": {"configurable": {"delay_ms": 10}}'
[ "$tokens" -gt 0 ] && config="\"config\": {\"configurable\": {\"tokens\": $tokens, \"delay_ms\": 10}}"
printf '{"assistant_id": "chat", "input": {"messages": [{"role": "user", "content": "hi"}]}, "stream_mode": "messages-tuple", %s}' "$config" >"$work/body.json"
for i in $(seq 1 "$c"); do
  tid="$(sed -n 's/.*"thread_id": *"\([^"]*\)".*/\1/p' "$work/t$i")"
  block "$url/threads/$tid/runs/stream" "@$work/body.json" "$work/s$i"
done >"$work/streams.all"
# curl runs at most 300 transfers at once: 250 streams per curl process.
split -l $((250 * 9)) -d -a 3 "$work/streams.all" "$work/streams.cfg."
for part in "$work"/streams.cfg.*; do sed -i '$d' "$part"; done

cpu0="$(ticks)"; t0="$(date +%s.%N)"
for part in "$work"/streams.cfg.*; do
  curl -s -Z --parallel-immediate --parallel-max 250 -K "$part" >"$part.timing" 2>/dev/null &
done
wait
t1="$(date +%s.%N)"; cpu1="$(ticks)"
cat "$work"/streams.cfg.*.timing >"$work/timing"
rss="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")"
python3 - "$work" "$c" "$t0" "$t1" "$cpu0" "$cpu1" "$hz" "$rss" <<'PY'
import glob, json, statistics, sys
work, c, t0, t1, cpu0, cpu1, hz, rss = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:8]), int(sys.argv[8])
timing = [l.split() for l in open(f"{work}/timing") if l.strip()]
codes = [t[0] for t in timing]
ttfb = sorted(float(t[1]) * 1000 for t in timing)
per = []
for i in range(1, c + 1):
    n, event = 0, None
    try:
        for line in open(f"{work}/s{i}", encoding="utf-8", errors="replace"):
            line = line.rstrip("\r\n")
            if line.startswith("event: "): event = line[7:]
            elif line.startswith("data: ") and event == "messages" and not line.startswith('data: [{"content":"",'): n += 1
            elif line.startswith("data: ") and event == "error": n = -10**9
    except FileNotFoundError:
        n = 0
    per.append(n)
tokens = sum(max(0, n) for n in per)
pct = lambda xs, q: xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else None
cpu = (cpu1 - cpu0) / hz
out = {"C": c, "wall_s": round(t1 - t0, 3), "ttfb_p50_ms": round(pct(ttfb, .5), 1), "ttfb_p99_ms": round(pct(ttfb, .99), 1),
       "tokens_total": tokens, "tokens_per_stream_min": min(per), "tokens_per_stream_p50": statistics.median(per),
       "errors": sum(1 for code in codes if code != "200") + sum(1 for n in per if n <= 0),
       "server_peak_rss_mb": round(rss / 1024, 1), "server_cpu_s": round(cpu, 2),
       "cpu_us_per_token_event": round(cpu / tokens * 1e6, 1) if tokens else None}
print(" ".join(f"{k}={v}" for k, v in out.items()))
PY
