#!/usr/bin/env python3
"""Engine load workloads on real LangGraph, the twins of chorus-bench's
`sends10k`, `sends10k-sleep` and `invocations10k` (same work, same keys).

    PY=../shared/bench/langgraph/.venv/bin/python    # langgraph 1.2.22
    $PY Benchmarks/langgraph/engine_load.py WORKLOAD [--quick]

One workload per process, so `peak_rss_mib` is the workload's own.
  sends10k        10,000 Send tasks (async nodes, no work) under max_concurrency 1000
  sends10k-sleep  the same, each task sleeping 10 ms
  invocations10k  10,000 ainvoke calls of a 3-node graph with AsyncSqliteSaver,
                  a new thread each; RSS every 1,000
Prints one JSON object: {"implementation", "workloads": {name: {...}}}.
"""
import asyncio
import json
import operator
import os
import resource
import statistics
import sys
import tempfile
import time
from typing import Annotated, Any

from typing_extensions import TypedDict

from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

TASKS, LIMIT = 10_000, 1_000
QUICK = "--quick" in sys.argv


def log(text):
    print(f"[engine_load] {text}", file=sys.stderr, flush=True)


def rss_mib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def sends_graph(sleep_s):
    class S(TypedDict):
        out: Annotated[list, operator.add]

    async def plan(state):
        return {}

    async def work(arg):
        if sleep_s:
            await asyncio.sleep(sleep_s)
        return {"out": [arg["i"]]}

    g = StateGraph(S)
    g.add_node("plan", plan)
    g.add_node("work", work)
    g.add_edge(START, "plan")
    g.add_conditional_edges("plan", lambda s: [Send("work", {"i": i}) for i in range(TASKS)], ["work"])
    g.add_edge("work", END)
    return g.compile()


async def sends(sleep_s):
    graph = sends_graph(sleep_s)
    warmup, reps = (0, 1) if QUICK else (1, 5)
    config = {"max_concurrency": LIMIT, "recursion_limit": 10_000}
    samples = []
    for i in range(warmup + reps):
        t0 = time.perf_counter()
        out = await graph.ainvoke({"out": []}, config)
        dt = time.perf_counter() - t0
        assert len(out["out"]) == TASKS and sum(out["out"]) == TASKS * (TASKS - 1) // 2
        if i >= warmup:
            samples.append(dt)
    result = {"wall_ms": round(statistics.median(samples) * 1e3, 2), "peak_rss_mib": rss_mib("VmHWM"), "reps": reps}
    if sleep_s:
        result["ideal_ms"] = TASKS / LIMIT * sleep_s * 1e3
    return result


async def invocations():
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    class S(TypedDict):
        n: int
        log: Annotated[list, operator.add]

    def step(name):
        async def node(state):
            return {"n": state["n"] + 1, "log": [name]}
        return node

    total = 2_000 if QUICK else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        async with AsyncSqliteSaver.from_conn_string(os.path.join(tmp, "bench.sqlite")) as saver:
            g = StateGraph(S)
            for name in ("a", "b", "c"):
                g.add_node(name, step(name))
            g.add_edge(START, "a")
            g.add_edge("a", "b")
            g.add_edge("b", "c")
            graph = g.compile(checkpointer=saver)
            rss = []
            t0 = time.perf_counter()
            for i in range(1, total + 1):
                out = await graph.ainvoke({"n": 0}, {"configurable": {"thread_id": f"t{i}"}})
                assert out["n"] == 3
                if i % 1000 == 0:
                    rss.append(rss_mib("VmRSS"))
            per_call = (time.perf_counter() - t0) * 1e6 / total
    return {"rss_mib_every_1000": rss, "growth_last_vs_first": round(rss[-1] / rss[0], 3),
            "ainvoke_us": round(per_call, 2), "invocations": total}


WORKLOADS = {"sends10k": lambda: sends(0), "sends10k-sleep": lambda: sends(0.01), "invocations10k": invocations}


def main():
    names = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(names) != 1 or names[0] not in WORKLOADS:
        sys.exit(f"usage: engine_load.py {{{'|'.join(WORKLOADS)}}} [--quick]")
    log(names[0] + "…")
    result = asyncio.run(WORKLOADS[names[0]]())
    print(json.dumps({"implementation": "langgraph-python", "workloads": {names[0]: result}}))


if __name__ == "__main__":
    main()
