#!/usr/bin/env python3
"""Produce conformance cases with REAL LangGraph output.

Reads scenario files (the format of ../shared/conformance/FORMAT.md, without
"expected"), builds each graph with langgraph 1.2.22, performs the calls and
writes the case with "expected" filled in, normalised as FORMAT.md says.

    PY=../shared/bench/langgraph/.venv/bin/python   # has langgraph 1.2.22
    $PY tools/conformance-gen/generate.py IN.json OUT.json
    $PY tools/conformance-gen/generate.py --dir IN_DIR OUT_DIR

Checked by regenerating every public case (`--check CASES_DIR`), which must
reproduce the corpus under compare.py's rules.
"""
from __future__ import annotations

import asyncio
import builtins
import contextvars
import json
import operator
import os
import sys
import tempfile
from typing import Annotated, Any, Optional

from typing_extensions import TypedDict

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.cache.memory import InMemoryCache
from langgraph.runtime import get_runtime
from langgraph.types import CachePolicy, Command, RetryPolicy, Send, TimeoutPolicy, interrupt

ATTEMPT: contextvars.ContextVar = contextvars.ContextVar("attempt", default=None)

# ----------------------------------------------------------------- expressions


def ev(expr, inp, item=None, index=None):
    if isinstance(expr, list):
        return [ev(e, inp, item, index) for e in expr]
    if not isinstance(expr, dict):
        return expr
    if "$state" in expr or "$arg" in expr:
        k = expr.get("$state", expr.get("$arg"))
        if not k:
            return inp
        return inp.get(k, expr.get("default")) if isinstance(inp, dict) else expr.get("default")
    if "$len" in expr:
        v = inp.get(expr["$len"]) if isinstance(inp, dict) else None
        return len(v) if v is not None else 0
    if "$fmt" in expr:
        args = {k: ev(v, inp, item, index) for k, v in expr.items() if k != "$fmt"}
        return expr["$fmt"].format(**args)
    if "$item" in expr:
        f = expr["$item"]
        return item[f] if f else item
    if "$index" in expr:
        return index
    if "$attempt" in expr:
        return ATTEMPT.get()
    if "$add" in expr:
        vals = [ev(e, inp, item, index) for e in expr["$add"]]
        out = vals[0]
        for v in vals[1:]:
            out = out + v
        return out
    if "$literal" in expr:
        return expr["$literal"]
    return {k: ev(v, inp, item, index) for k, v in expr.items()}


def cond(c, inp):
    if c is True or c is False:
        return c
    (op, arg), = c.items()
    if op == "and":
        return all(cond(x, inp) for x in arg)
    if op == "or":
        return any(cond(x, inp) for x in arg)
    if op == "not":
        return not cond(arg, inp)
    if op == "truthy":
        return bool(ev(arg, inp))
    a, b = ev(arg[0], inp), ev(arg[1], inp)
    return {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
            "gt": operator.gt, "ge": operator.ge, "in": lambda x, y: x in y}[op](a, b)


# ----------------------------------------------------------------- model

class FakeModel(BaseChatModel):
    tokens: list = []
    msg_id: str = ""

    @property
    def _llm_type(self) -> str:
        return "fake"

    def _generate(self, messages, stop=None, run_manager=None, **kw):
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content="".join(self.tokens), id=self.msg_id))])

    async def _astream(self, messages, stop=None, run_manager=None, **kw):
        for i, t in enumerate(self.tokens):
            last = i == len(self.tokens) - 1
            chunk = AIMessageChunk(content=t, id=self.msg_id, chunk_position="last" if last else None)
            gen = ChatGenerationChunk(message=chunk)
            if run_manager:
                await run_manager.on_llm_new_token(t, chunk=gen)
            yield gen


def make_message(role, content, mid):
    cls = {"user": HumanMessage, "human": HumanMessage, "assistant": AIMessage, "ai": AIMessage,
           "system": SystemMessage}.get(role)
    if cls is None:
        return ToolMessage(content=content, id=mid, tool_call_id="t")
    return cls(content=content, id=mid)


_EXC: dict = {}


def exc_class(name):
    b = getattr(builtins, name, None)
    if isinstance(b, type) and issubclass(b, BaseException):
        return b
    if name not in _EXC:
        _EXC[name] = type(name, (Exception,), {})
    return _EXC[name]


# ----------------------------------------------------------------- graph

def make_node(ops):
    async def node(inp):
        ATTEMPT.set(get_runtime().execution_info.node_attempt)
        upd: dict = {}
        for op in ops:
            if "when" in op and not cond(op["when"], inp):
                continue
            k = op["op"]
            if k == "set":
                upd[op["key"]] = ev(op["value"], inp)
            elif k == "append":
                upd[op["key"]] = upd.get(op["key"], []) + [ev(op["value"], inp)]
            elif k == "extend":
                upd[op["key"]] = upd.get(op["key"], []) + ev(op["values"], inp)
            elif k == "incr":
                upd[op["key"]] = upd.get(op["key"], 0) + ev(op.get("by", 1), inp)
            elif k == "put":
                upd[op["key"]] = {**upd.get(op["key"], {}), **ev(op["value"], inp)}
            elif k == "message":
                key = op.get("key", "messages")
                upd[key] = upd.get(key, []) + [make_message(ev(op["role"], inp), ev(op["content"], inp), ev(op["id"], inp))]
            elif k == "emit":
                get_stream_writer()(ev(op["value"], inp))
            elif k == "llm":
                key = op.get("key", "messages")
                model = FakeModel(tokens=list(ev(op["tokens"], inp)), msg_id=ev(op["id"], inp))
                full = None
                async for ch in model.astream("hi"):
                    full = ch if full is None else full + ch
                msg = AIMessage(content="".join(ev(op["tokens"], inp)), id=ev(op["id"], inp))
                upd[key] = upd.get(key, []) + [msg]
            elif k == "interrupt":
                r = interrupt(ev(op["value"], inp))
                if "key" in op:
                    if op.get("mode") == "append":
                        upd[op["key"]] = upd.get(op["key"], []) + [r]
                    else:
                        upd[op["key"]] = r
            elif k == "fail":
                raise exc_class(op["type"])(str(ev(op["message"], inp)))
            elif k == "sleep":
                await asyncio.sleep(op["ms"] / 1000)
            elif k == "goto":
                if "send" in op:
                    goto = [Send(s["node"], ev(s.get("arg"), inp)) for s in op["send"]]
                else:
                    goto = op["to"]
                return Command(goto=goto, update=upd or None)
            elif k == "return":
                return ev(op["value"], inp)
        return upd
    return node


def policies(spec):
    out = {}
    if "retry" in spec:
        r = spec["retry"]
        kw = {k: r[k] for k in ("initial_interval", "backoff_factor", "max_interval", "max_attempts", "jitter") if k in r}
        if "retry_on" in r:
            kw["retry_on"] = tuple(exc_class(n) for n in r["retry_on"])
        out["retry_policy"] = RetryPolicy(**kw)
    if "timeout" in spec:
        out["timeout"] = TimeoutPolicy(run_timeout=spec["timeout"].get("run"), idle_timeout=spec["timeout"].get("idle"))
    if "cache" in spec:
        out["cache_policy"] = CachePolicy(ttl=spec["cache"].get("ttl"))
    return out


def state_type(state):
    fields = {}
    for k, r in state.items():
        fields[k] = {
            "overwrite": Any,
            "append": Annotated[list, operator.add],
            "add": Annotated[int, operator.add],
            "merge": Annotated[dict, lambda a, b: {**a, **b}],
            "messages": Annotated[list, add_messages],
        }[r]
    return TypedDict("S", fields)


def build(desc):
    g = StateGraph(state_type(desc["state"]))
    for name, spec in desc["nodes"].items():
        if isinstance(spec, dict) and "subgraph" in spec:
            g.add_node(name, build(spec["subgraph"]).compile(), defer=bool(spec.get("defer")), **policies(spec))
        elif isinstance(spec, dict) and "ops" in spec:
            g.add_node(name, make_node(spec["ops"]), defer=bool(spec.get("defer")), **policies(spec))
        else:
            g.add_node(name, make_node(spec))
    for e in desc["edges"]:
        t = e.get("type")
        if t is None:
            g.add_edge(e["from"], e["to"])
        elif t == "route":
            rules, default = e["rules"], e.get("default", END)

            def route(s, rules=rules, default=default):
                for r in rules:
                    if cond(r.get("when", True), s):
                        return r["to"]
                return default
            g.add_conditional_edges(e["from"], route)
        elif t == "send":
            def send(s, e=e):
                items = s.get(e["over"]) or []
                if not items:
                    return e.get("else", [])
                arg = e.get("arg", {"$item": ""})
                return [Send(e["node"], ev(arg, s, it, i)) for i, it in enumerate(items)]
            g.add_conditional_edges(e["from"], send)
    return g


# ----------------------------------------------------------------- normalisation

def norm_msg(m):
    if isinstance(m, BaseMessage):
        t = "AIMessageChunk" if isinstance(m, AIMessageChunk) else m.type
        d = {"type": t, "content": m.content, "id": m.id}
        if isinstance(m, ToolMessage):
            d["tool_call_id"] = m.tool_call_id
        if isinstance(m, AIMessageChunk) and getattr(m, "chunk_position", None) == "last":
            d["chunk_position"] = "last"
        return d
    return m


def norm(v):
    if isinstance(v, BaseMessage):
        return norm_msg(v)
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if k == "__interrupt__":
                out[k] = [{"value": norm(i.value)} for i in x]
            else:
                out[k] = norm(x)
        return out
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    return v


def err(e):
    return {"type": type(e).__name__, "message": str(e)}


def norm_task(t):
    d = {"name": t.name, "interrupts": [{"value": norm(i.value)} for i in t.interrupts]}
    if t.result is not None:
        d["result"] = norm(t.result)
    if t.error is not None:
        d["error"] = err(t.error)
    return d


def snapshot(s):
    md = s.metadata
    return {"values": norm(s.values), "next": list(s.next), "tasks": [norm_task(t) for t in s.tasks],
            "metadata": {"source": md["source"], "step": md["step"]} if md else None}


def debug_payload(ev_):
    t, v = ev_["type"], ev_["payload"]
    if t == "task":
        return {"name": v["name"], "input": norm(v["input"])}
    if t == "task_result":
        return {"name": v["name"], "error": err(v["error"]) if v.get("error") is not None else None,
                "result": norm(v.get("result", {})),
                "interrupts": [{"value": norm(i["value"])} for i in v.get("interrupts", [])]}
    tasks = []
    for tk in v["tasks"]:
        d = {"name": tk["name"], "interrupts": [{"value": norm(i["value"])} for i in tk.get("interrupts", ())]}
        if tk.get("result") is not None:
            d["result"] = norm(tk["result"])
        if tk.get("error") is not None:
            d["error"] = err(tk["error"])
        tasks.append(d)
    return {"values": norm(v["values"]), "metadata": {"source": v["metadata"]["source"], "step": v["metadata"]["step"]},
            "next": list(v["next"]), "tasks": tasks}


async def resume_by_node(graph, by_node, config):
    """{task name: value} -> {the pending interrupt id of that task: value} (ids are not in the output)."""
    state = await graph.aget_state(config)
    ids = {t.name: t.interrupts[0].id for t in state.tasks if t.interrupts}
    return {ids[name]: value for name, value in by_node.items()}


async def run_stream(graph, inp, call, config):
    modes = call.get("modes", "values")
    mlist = modes if isinstance(modes, list) else [modes]
    sub = bool(call.get("subgraphs"))
    internal = list(dict.fromkeys(mlist + ["debug"]))
    want_debug = "debug" in mlist
    entries: list = []
    current: dict = {}          # namespace tuple -> current step
    pending: dict = {}          # namespace tuple -> entries emitted before its first task
    error = None

    def path(ns):
        return [current.get(ns[:i]) for i in range(len(ns) + 1)]

    def add(ns, mode, data):
        if ns and not sub:
            return
        chunk_ns = [n.split(":")[0] + ":*" for n in ns]
        parts = ([chunk_ns] if sub else []) + ([mode] if isinstance(modes, list) else []) + [data]
        e = {"chunk": parts[0] if len(parts) == 1 else parts}
        if current.get(ns) is None:
            pending.setdefault(ns, []).append(e)
        else:
            e["step"] = path(ns)
        entries.append(e)

    try:
        async for item in graph.astream(inp, config, stream_mode=internal, subgraphs=sub):
            ns, mode, data = item if sub else ((),) + tuple(item)
            ns = tuple(ns)
            if mode == "debug":
                if data["type"] == "task" and current.get(ns) is None:
                    current[ns] = data["step"] - 1
                    for e in pending.pop(ns, []):
                        e["step"] = path(ns)
                if data["type"] == "task":
                    current[ns] = data["step"]
                if want_debug:
                    add(ns, "debug", {"type": data["type"], "step": data["step"], "payload": debug_payload(data)})
            elif mode == "messages":
                add(ns, mode, [norm_msg(data[0]), {"langgraph_node": data[1]["langgraph_node"], "langgraph_step": data[1]["langgraph_step"]}])
            else:
                add(ns, mode, norm(data))
    except Exception as e:  # noqa: BLE001
        error = err(e)
    for ns, es in pending.items():
        for e in es:
            e["step"] = [c if c is not None else 0 for c in path(ns)]
    out = [{"step": e["step"], "chunk": e["chunk"]} for e in entries]
    return out, error


async def run_case(case, tmpdir):
    desc = case["graph"]
    kind = desc.get("compile", {}).get("checkpointer", "none")
    saver_cm = None
    if kind == "memory":
        saver = InMemorySaver()
    elif kind == "sqlite":
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
        saver_cm = AsyncSqliteSaver.from_conn_string(os.path.join(tmpdir, case["name"] + ".sqlite"))
        saver = await saver_cm.__aenter__()
    else:
        saver = None
    comp = desc.get("compile", {})
    cache = InMemoryCache() if comp.get("cache") == "memory" else None
    graph = build(desc).compile(checkpointer=saver, cache=cache, interrupt_before=comp.get("interrupt_before"), interrupt_after=comp.get("interrupt_after"))
    results = []
    try:
        for call in case["calls"]:
            c = {**case.get("config", {}), **call.get("config", {})}
            config = {"configurable": {"thread_id": c.get("thread_id", "1")}}
            if "recursion_limit" in c:
                config["recursion_limit"] = c["recursion_limit"]
            if "max_concurrency" in c:
                config["max_concurrency"] = c["max_concurrency"]
            kindc = call["call"]
            out: dict = {"call": kindc}
            try:
                if kindc == "invoke":
                    out["result"] = norm(await graph.ainvoke(call.get("input"), config))
                elif kindc == "resume":
                    value = await resume_by_node(graph, call["resume_by_node"], config) if "resume_by_node" in call else call.get("value")
                    out["result"] = norm(await graph.ainvoke(Command(resume=value), config))
                elif kindc == "stream":
                    if "resume_by_node" in call:
                        inp = Command(resume=await resume_by_node(graph, call["resume_by_node"], config))
                    else:
                        inp = Command(resume=call["resume"]) if "resume" in call else call.get("input")
                    out["stream"], e = await run_stream(graph, inp, call, config)
                    if e:
                        out["error"] = e
                elif kindc == "get_state":
                    try:
                        out["state"] = snapshot(await graph.aget_state(config))
                    except Exception as e:  # noqa: BLE001
                        out["state"] = {"error": err(e)}
                elif kindc == "get_state_history":
                    try:
                        hist = [s async for s in graph.aget_state_history(config, limit=call.get("limit"))]
                    except Exception as e:  # noqa: BLE001
                        out["history"] = {"error": err(e)}
                        hist = None
                    if hist is not None:
                        out["history"] = [{"step": s.metadata["step"], "source": s.metadata["source"], "next": list(s.next), "values": norm(s.values)} for s in hist]
                elif kindc == "sleep":
                    await asyncio.sleep(call["ms"] / 1000)
                elif kindc == "update_state":
                    await graph.aupdate_state(config, call.get("values"), as_node=call.get("as_node"))
            except Exception as e:  # noqa: BLE001
                out["error"] = err(e)
            if saver is not None and kindc not in ("get_state", "get_state_history"):
                try:
                    out["state_after"] = snapshot(await graph.aget_state(config))
                except Exception as e:  # noqa: BLE001
                    out["state_after"] = {"error": err(e)}
            results.append(out)
    finally:
        if saver_cm is not None:
            await saver_cm.__aexit__(None, None, None)
    return results


def generate(inp_path, out_path, tmpdir):
    with open(inp_path) as f:
        case = json.load(f)
    case = {k: v for k, v in case.items() if k != "expected"}
    case["produced_by"] = "LangGraph 1.2.22 (Python), tools/conformance-gen"
    case["expected"] = asyncio.run(run_case(case, tmpdir))
    with open(out_path, "w") as f:
        json.dump(case, f, indent=1, ensure_ascii=False)
        f.write("\n")


def main(argv):
    with tempfile.TemporaryDirectory() as tmp:
        if argv[1] == "--dir":
            os.makedirs(argv[3], exist_ok=True)
            for n in sorted(os.listdir(argv[2])):
                if n.endswith(".json"):
                    try:
                        generate(os.path.join(argv[2], n), os.path.join(argv[3], n), tmp)
                    except Exception as e:  # noqa: BLE001
                        print(f"FAILED {n}: {type(e).__name__}: {e}", file=sys.stderr)
        else:
            generate(argv[1], argv[2], tmp)


if __name__ == "__main__":
    main(sys.argv)
