#!/usr/bin/env python3
"""Ratio table for scripts/bench-vs-langgraph.sh: medians over the runs of
each side, then LangGraph / Chorus (how many times faster Chorus is), with the
targets from the issues. Usage: bench_table.py RESULTS_DIR RUNS"""
import json
import statistics
import sys


def load(d, side, runs):
    out = []
    for i in range(1, runs + 1):
        with open(f"{d}/{side}-{i}.json") as f:
            out.append(json.load(f))
    return out


def fig(results, path):
    vals = []
    for r in results:
        v = r.get("workloads", {})
        for k in path.split("."):
            v = v.get(k) if isinstance(v, dict) else None
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals.append(v)
    return statistics.median(vals) if vals else None


def num(x):
    if x is None:
        return "-"
    if abs(x) >= 10000:
        return f"{x:,.0f}"
    return f"{x:.4g}"


def main():
    d, runs = sys.argv[1], int(sys.argv[2])
    lg, ch = load(d, "langgraph", runs), load(d, "chorus", runs)
    rows = []  # (figure, langgraph path, chorus path, kind, target)
    lower = "lower"
    higher = "higher"
    spec = [
        ("chain100 µs per step (async)", "chain100.astep_us", "chain100.astep_us", lower, 50),
        ("chain100 µs per invoke (async)", "chain100.ainvoke_us", "chain100.ainvoke_us", lower, None),
        ("fanout1000 µs per Send task (async)", "fanout1000.atask_us", "fanout1000.atask_us", lower, 50),
        ("tokens, messages mode, tokens/s", "tokens.async_tokens_per_s", "tokens.async_tokens_per_s", higher, None),
        ("tokens, custom mode, items/s", "tokens.custom_async_items_per_s", "tokens.custom_async_items_per_s", higher, None),
        ("checkpoint memory µs per step (async)", "checkpoint.memory_astep_us", "checkpoint.memory_astep_us", lower, 20),
        ("checkpoint SQLite µs per step (async API, Chorus durability sync)", "checkpoint.sqlite_astep_us", "checkpoint.sqlite_astep_us", lower, 10),
        ("checkpoint SQLite µs per step (durability async on both sides)", "checkpoint.sqlite_astep_us", "checkpoint.sqlite_async_astep_us", lower, 10),
        ("widestate µs per step (async)", "widestate.astep_us", "widestate.astep_us", lower, None),
        ("startup: load the engine, ms", "startup.import_ms", "startup.import_ms", lower, None),
        ("startup: 3-node process, ms", "startup.three_node_process_ms", "startup.three_node_process_ms", lower, None),
        ("startup: 3-node peak RSS, MiB", "startup.three_node_peak_rss_mib", "startup.three_node_peak_rss_mib", lower, None),
        ("startup: fanout1000 peak RSS, MiB", "startup.fanout1000_peak_rss_mib", "startup.fanout1000_peak_rss_mib", lower, None),
    ]
    print(f"LangGraph 1.2.22 vs Chorus, medians of {runs} alternating run(s) each, same machine")
    if any(fig(lg, lp) is not None or fig(ch, cp) is not None for _, lp, cp, _, _ in spec):
        print()
        print("| figure | LangGraph | Chorus | Chorus faster by | target |")
        print("| --- | ---: | ---: | ---: | --- |")
    for name, lp, cp, kind, target in spec:
        a, b = fig(lg, lp), fig(ch, cp)
        if a is None or b is None:
            if a is not None or b is not None:
                print(f"| {name} | {num(a)} | {num(b)} | - | {'≥ %dx: not measured' % target if target else ''} |")
            continue
        ratio = (a / b) if kind == lower else (b / a)
        t = ""
        if target:
            t = f"≥ {target}x: {'met' if ratio >= target else 'NOT met'}"
        print(f"| {name} | {num(a)} | {num(b)} | {ratio:.1f}x | {t} |")
    tok = fig(ch, "tokens.async_tokens_per_s")
    if tok is not None:
        print(f"| Chorus messages mode ≥ 1,000,000 tokens/s | | {tok:,.0f} | | {'met' if tok >= 1e6 else 'NOT met'} |")
    for name, path in (("Chorus store: list 10,000 threads, ms", "store.list_threads_ms"),
                       ("Chorus store: search 100,000 messages, ms", "store.search_messages_ms")):
        v = fig(ch, path)
        if v is not None:
            print(f"| {name} | | {num(v)} | | < 50 ms: {'met' if v < 50 else 'NOT met'} |")
    sse = fig(ch, "providers.sse_tokens_per_s")
    if sse is not None:
        print(f"| Chorus providers: SSE tokens/s parsed from a loopback server (OpenAI provider) | | {num(sse)} | | ≥ 1,000,000: {'met' if sse >= 1e6 else 'NOT met'} |")
        wall, slowest = fig(ch, "providers.concurrent_wall_ms"), fig(ch, "providers.slowest_stream_ms")
        print(f"| Chorus providers: 64 concurrent streams × 2,000 tokens, maxConcurrency 64: wall / slowest stream, ms | | {num(wall)} / {num(slowest)} | | all complete, no stall |")
    for k in ("k8", "k32", "k200"):
        w, ideal, peak = fig(ch, f"concurrency.{k}.wall_s"), fig(ch, f"concurrency.{k}.ideal_s"), fig(ch, f"concurrency.{k}.peak_inflight")
        lw = fig(lg, f"concurrency.{k}.wall_s")
        if w is None:
            continue
        over = (w / ideal - 1) * 100
        kk = int(k[1:])
        ok = over <= 5 and peak == kk
        print(f"| concurrency {k}: wall s (ideal {ideal:g}), peak in flight | {num(lw)} | {num(w)} (+{over:.1f}%), peak {peak:g} | | within 5% of ideal, peak = {kk}: {'met' if ok else 'NOT met'} |")
    longchat(lg, ch)
    engine_load(lg, ch)
    for side, rs in (("LangGraph", lg), ("Chorus", ch)):
        loads = [r.get("machine", {}).get("loadavg_start") for r in rs]
        if any(loads):
            print(f"\n{side} 1-min load at start of each run: {[l[0] if l else None for l in loads]}", end="")
    print()


def longchat(lg, ch):
    """The longchat curves (issue 17): per-call cost and file bytes per message."""
    if fig(ch, "longchat.sqlite_call_us_at_10") is None:
        return
    print()
    print("| longchat: messages in the thread | LangGraph µs per call | Chorus µs per call | Chorus faster by | LangGraph file B/msg | Chorus file B/msg | smaller by |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in (10, 100, 1000, 2000, 3000, 5000):
        a, b = fig(lg, f"longchat.sqlite_call_us_at_{s}"), fig(ch, f"longchat.sqlite_call_us_at_{s}")
        ba, bb = fig(lg, f"longchat.db_bytes_per_message_at_{s}"), fig(ch, f"longchat.db_bytes_per_message_at_{s}")
        ratio = f"{a / b:.1f}x" if a and b else "-"
        smaller = f"{ba / bb:.0f}x" if ba and bb else "-"
        print(f"| {s} | {num(a)} | {num(b)} | {ratio} | {num(ba)} | {num(bb)} | {smaller} |")
    g = fig(ch, "longchat.growth_5000_vs_10")
    if g is not None:
        print(f"| Chorus per-call cost at 5,000 vs 10 | | {g:.2f}x | | | | ≤ 1.5x: {'met' if g <= 1.5 else 'NOT met'} |")
    ba, bb = fig(lg, "longchat.db_bytes_per_message_at_3000"), fig(ch, "longchat.db_bytes_per_message_at_3000")
    if ba and bb:
        print(f"| file bytes per message at 3,000, LangGraph / Chorus | | | | | | ≥ 100x: {'met' if ba / bb >= 100 else 'NOT met'} ({ba / bb:.0f}x) |")


def engine_load(lg, ch):
    """Issue 15: Send-task load, RSS over many invocations, policy overhead."""
    rows = []
    for w, what in (("sends10k", "10,000 no-op Send tasks, maxConcurrency 1,000"),
                    ("sends10k-sleep", "10,000 Send tasks sleeping 10 ms, maxConcurrency 1,000")):
        a, b = fig(lg, f"{w}.wall_ms"), fig(ch, f"{w}.wall_ms")
        ra, rb = fig(lg, f"{w}.peak_rss_mib"), fig(ch, f"{w}.peak_rss_mib")
        if b is not None:
            rows.append(f"| {what}: wall ms | {num(a)} | {num(b)} | {a / b:.1f}x |" if a else f"| {what}: wall ms | - | {num(b)} | - |")
            rows.append(f"| {what}: peak RSS MiB | {num(ra)} | {num(rb)} | {ra / rb:.1f}x smaller |" if ra else f"| {what}: peak RSS MiB | - | {num(rb)} | - |")
    for side, rs in (("LangGraph", lg), ("Chorus", ch)):
        curve = [r.get("workloads", {}).get("invocations10k", {}).get("rss_mib_every_1000") for r in rs]
        curve = [c for c in curve if c]
        if curve:
            growth = statistics.median(c[-1] / c[0] for c in curve)
            verdict = f" (flat within 10%: {'met' if growth <= 1.1 else 'NOT met'})" if side == "Chorus" else ""
            rows.append(f"| {side}: RSS MiB every 1,000 of 10,000 checkpointed invocations | {curve[-1]} | last/first {growth:.3f}{verdict} | |")
    for key, what in (("retry_overhead_us", "retry policy never triggered"), ("cache_miss_overhead_us", "cache miss")):
        v = fig(ch, f"policies.{key}")
        if v is not None:
            rows.append(f"| Chorus: {what}, µs per step over a plain node | | {v:.3f} | < 1 µs: {'met' if v < 1 else 'NOT met'} |")
    if rows:
        print()
        print("| engine load | LangGraph | Chorus | ratio / target |")
        print("| --- | ---: | ---: | --- |")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
