#!/usr/bin/env python3
"""Extra conformance scenarios (inputs only) for generate.py.

    python3 tools/conformance-gen/scenarios.py OUT_DIR

Each covers semantics the public corpus touches lightly; generate.py runs
them on real LangGraph to fill in "expected".
"""
import json
import os
import sys

S = "__start__"
E = "__end__"


def node(*ops):
    return list(ops)


def op(kind, **kw):
    return {"op": kind, **kw}


def app(key, value, **kw):
    return op("append", key=key, value=value, **kw)


def chain(*names):
    return [{"from": a, "to": b} for a, b in zip((S,) + names, names + (E,))]


def case(name, family, description, graph, calls, config=None):
    return {"name": name, "family": family, "description": description, "graph": graph,
            "config": config or {}, "calls": calls}


def logger(*names):
    return {n: node(app("log", n)) for n in names}


CASES = []
add = CASES.append

add(case("x_merge_reducer", "reducers", "merge reducer: right wins, parallel writers merge in name order",
         {"state": {"d": "merge", "log": "append"},
          "nodes": {"a": node(op("put", key="d", value={"a": 1, "shared": "a"})),
                    "b": node(op("put", key="d", value={"b": 2, "shared": "b"})),
                    "c": node(app("log", {"$fmt": "{k}", "k": {"$len": "d"}}))},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"}, {"from": ["a", "b"], "to": "c"}, {"from": "c", "to": E}]},
         [{"call": "stream", "input": {"d": {"z": 0}}, "modes": ["updates", "values"]}]))

add(case("x_join_uneven", "edges", "join waits for a longer branch; the short branch's successor runs once per trigger",
         {"state": {"log": "append"},
          "nodes": logger("a", "b", "b2", "c", "j"),
          "edges": [{"from": S, "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "b2"}, {"from": "a", "to": "c"},
                    {"from": ["b2", "c"], "to": "j"}, {"from": "j", "to": E}]},
         [{"call": "stream", "input": {}, "modes": "updates"}, {"call": "invoke", "input": {"log": ["x"]}}]))

add(case("x_join_repeated_in_loop", "edges", "a join inside a loop fires once per round",
         {"state": {"log": "append", "n": "add"},
          "nodes": {"p": node(op("incr", key="n")), "q": node(app("log", "q")), "r": node(app("log", "r")),
                    "j": node(app("log", {"$fmt": "j{n}", "n": {"$state": "n"}}))},
          "edges": [{"from": S, "to": "p"}, {"from": "p", "to": "q"}, {"from": "p", "to": "r"}, {"from": ["q", "r"], "to": "j"},
                    {"type": "route", "from": "j", "rules": [{"when": {"lt": [{"$state": "n"}, 3]}, "to": "p"}], "default": E}]},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}]))

add(case("x_route_to_end_and_list", "edges", "router picks END, a single node, or a list",
         {"state": {"x": "overwrite", "log": "append"},
          "nodes": logger("a", "b", "c"),
          "edges": [{"from": S, "to": "a"},
                    {"type": "route", "from": "a", "rules": [{"when": {"eq": [{"$state": "x"}, 0]}, "to": E},
                                                              {"when": {"eq": [{"$state": "x"}, 1]}, "to": "b"}],
                     "default": ["b", "c"]},
                    {"from": "b", "to": E}, {"from": "c", "to": E}]},
         [{"call": "invoke", "input": {"x": 0}}, {"call": "invoke", "input": {"x": 1}},
          {"call": "stream", "input": {"x": 2}, "modes": ["updates", "values"]}]))

add(case("x_send_else", "send", "send edge with an empty list takes its else target",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value={"$state": "items", "default": []})),
                    "w": node(app("out", {"$arg": "v"})), "none": node(app("out", "none"))},
          "edges": [{"from": S, "to": "plan"},
                    {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}, "else": "none"},
                    {"from": "w", "to": E}, {"from": "none", "to": E}]},
         [{"call": "invoke", "input": {"items": []}}, {"call": "stream", "input": {"items": [4, 5]}, "modes": "updates"}]))

add(case("x_command_goto_end", "command", "Command(goto=END) with an update stops that path; static edge still fires",
         {"state": {"log": "append"},
          "nodes": {"a": node(app("log", "a"), op("goto", to=E)), "b": node(app("log", "b"))},
          "edges": [{"from": S, "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": E}]},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}]))

add(case("x_command_goto_list_update", "command", "Command(goto=[b, c]) with an update; no static edges",
         {"state": {"log": "append", "n": "add"},
          "nodes": {"a": node(op("incr", key="n", by=5), op("goto", to=["c", "b"])), "b": node(app("log", "b")),
                    "c": node(app("log", {"$fmt": "c{n}", "n": {"$state": "n"}}))},
          "edges": [{"from": S, "to": "a"}, {"from": "b", "to": E}, {"from": "c", "to": E}]},
         [{"call": "stream", "input": {"n": 1}, "modes": ["updates", "values", "debug"]}]))

add(case("x_command_send_and_edge", "command", "Command with Sends plus a static edge in the same step",
         {"state": {"out": "append"},
          "nodes": {"a": node(op("goto", send=[{"node": "w", "arg": {"v": 1}}, {"node": "w", "arg": {"v": 2}}])),
                    "w": node(app("out", {"$fmt": "w{v}", "v": {"$arg": "v"}})), "s": node(app("out", "s"))},
          "edges": [{"from": S, "to": "a"}, {"from": "a", "to": "s"}, {"from": "w", "to": E}, {"from": "s", "to": E}]},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}]))

add(case("x_values_none_vs_empty", "streams", "nodes returning None and {} in values mode with a checkpointer",
         {"state": {"x": "overwrite"},
          "nodes": {"a": node(op("return", value=None)), "b": node(), "c": node(op("set", key="x", value=3))},
          "edges": chain("a", "b", "c"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": "values"}, {"call": "stream", "input": {"x": 1}, "modes": ["values", "updates"]},
          {"call": "get_state_history", "limit": 4}]))

add(case("x_error_parallel_checkpointer", "errors", "one of three parallel tasks fails with a checkpointer",
         {"state": {"log": "append"},
          "nodes": {"a": node(app("log", "a")), "b": node(op("sleep", ms=30), op("fail", type="ValueError", message="b broke")),
                    "c": node(app("log", "c")), "d": node(app("log", "d"))},
          "edges": [{"from": S, "to": "a"}, {"from": "a", "to": "b"}, {"from": "a", "to": "c"}, {"from": "b", "to": "d"},
                    {"from": "c", "to": "d"}, {"from": "d", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "get_state"}]))

add(case("x_error_parallel_no_checkpointer", "errors", "failure among parallel Send tasks without a checkpointer",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=[1, 2, 3])),
                    "w": node(op("fail", type="KeyError", message="k", when={"eq": [{"$arg": "v"}, 2]}), app("out", {"$arg": "v"}))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}]},
         [{"call": "invoke", "input": {}}, {"call": "stream", "input": {}, "modes": ["updates", "debug"]}]))

add(case("x_error_custom_then_rerun", "errors", "error with a checkpointer, then invoke(None) retries the failed node",
         {"state": {"n": "add"},
          "nodes": {"a": node(op("incr", key="n")), "b": node(op("fail", type="ToolTimeout", message="slow tool", when={"lt": [{"$state": "n"}, 2]}), op("incr", key="n", by=10))},
          "edges": chain("a", "b"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"n": 0}}, {"call": "update_state", "values": {"n": 5}, "as_node": "a"},
          {"call": "invoke", "input": None}, {"call": "get_state_history"}]))

add(case("x_invalid_update_sends", "errors", "parallel Send tasks writing one overwrite key",
         {"state": {"items": "overwrite", "last": "overwrite"},
          "nodes": {"plan": node(op("set", key="items", value=["a", "b"])), "w": node(op("set", key="last", value={"$arg": "v"}))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}], "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": "updates"}, {"call": "get_state"}]))

add(case("x_recursion_send_loop", "recursion", "a Send loop hits the recursion limit",
         {"state": {"n": "add"},
          "nodes": {"a": node(op("incr", key="n"), op("goto", send=[{"node": "a", "arg": {}}]))},
          "edges": [{"from": S, "to": "a"}]},
         [{"call": "stream", "input": {}, "modes": "updates", "config": {"recursion_limit": 3}}], config={}))

add(case("x_recursion_existing_thread", "recursion", "recursion limit counts from the thread's current step",
         {"state": {"n": "add"},
          "nodes": {"a": node(op("incr", key="n"))},
          "edges": [{"from": S, "to": "a"},
                    {"type": "route", "from": "a", "rules": [{"when": {"lt": [{"$state": "n"}, 100]}, "to": "a"}], "default": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"n": 97}}, {"call": "invoke", "input": {"n": 0}, "config": {"recursion_limit": 2}},
          {"call": "invoke", "input": None, "config": {"recursion_limit": 2}}, {"call": "get_state"}],
         config={"recursion_limit": 5}))

add(case("x_interrupt_before_send", "interrupts", "interrupt_before a Send target, then resume",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=[1, 2])), "w": node(app("out", {"$arg": "v"}))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}],
          "compile": {"checkpointer": "memory", "interrupt_before": ["w"]}},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "get_state"},
          {"call": "stream", "input": None, "modes": ["updates", "values"]}]))

add(case("x_interrupt_before_after_many", "interrupts", "several breakpoints before and after",
         {"state": {"log": "append"}, "nodes": logger("a", "b", "c"), "edges": chain("a", "b", "c"),
          "compile": {"checkpointer": "memory", "interrupt_before": ["a", "c"], "interrupt_after": ["b"]}},
         [{"call": "invoke", "input": {}}, {"call": "get_state"}, {"call": "invoke", "input": None}, {"call": "get_state"},
          {"call": "invoke", "input": None}, {"call": "get_state"}, {"call": "stream", "input": None, "modes": "updates"}]))

add(case("x_update_while_interrupted", "interrupts", "update_state while paused before a node, then resume",
         {"state": {"log": "append", "x": "overwrite"},
          "nodes": {"a": node(app("log", "a")), "b": node(app("log", {"$fmt": "b saw {x}", "x": {"$state": "x", "default": "-"}}))},
          "edges": chain("a", "b"), "compile": {"checkpointer": "memory", "interrupt_before": ["b"]}},
         [{"call": "invoke", "input": {}}, {"call": "update_state", "values": {"x": "edited"}},
          {"call": "get_state"}, {"call": "stream", "input": None, "modes": ["updates", "values"]}, {"call": "get_state_history", "limit": 3}]))

add(case("x_update_state_as_router_node", "state", "update_state as a node with a conditional edge routes on the new state",
         {"state": {"x": "overwrite", "log": "append"},
          "nodes": logger("a", "hi", "lo"),
          "edges": [{"from": S, "to": "a"},
                    {"type": "route", "from": "a", "rules": [{"when": {"ge": [{"$state": "x", "default": 0}, 10]}, "to": "hi"}], "default": "lo"},
                    {"from": "hi", "to": E}, {"from": "lo", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "update_state", "values": {"x": 50}, "as_node": "a"}, {"call": "get_state"},
          {"call": "invoke", "input": None}, {"call": "update_state", "values": {"x": 1, "log": ["manual"]}, "as_node": "a"},
          {"call": "get_state"}]))

add(case("x_update_state_ambiguous", "state", "update_state without as_node after parallel nodes is ambiguous",
         {"state": {"log": "append"}, "nodes": logger("a", "b"),
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"}, {"from": "a", "to": E}, {"from": "b", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}}, {"call": "update_state", "values": {"log": ["u"]}},
          {"call": "update_state", "values": {"log": ["v"]}, "as_node": "b"}, {"call": "get_state"}]))

add(case("x_two_interrupts_one_node", "interrupts", "a node with two interrupts resumed twice",
         {"state": {"answers": "append", "log": "append"},
          "nodes": {"ask": node(app("log", "ask-run"), op("interrupt", value="first?", key="answers", mode="append"),
                                op("interrupt", value="second?", key="answers", mode="append")),
                    "done": node(app("log", {"$fmt": "got {n}", "n": {"$len": "answers"}}))},
          "edges": chain("ask", "done"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}}, {"call": "resume", "value": "A"}, {"call": "get_state"},
          {"call": "stream", "resume": "B", "modes": ["updates", "values"]}]))

add(case("x_interrupt_with_finished_sibling", "interrupts", "sibling finished before the interrupt: replayed as cached on resume",
         {"state": {"log": "append", "ans": "overwrite"},
          "nodes": {"fast": node(app("log", "fast")), "ask": node(op("sleep", ms=20), op("interrupt", value="ok?", key="ans")),
                    "join": node(app("log", {"$fmt": "join {a}", "a": {"$state": "ans"}}))},
          "edges": [{"from": S, "to": "fast"}, {"from": S, "to": "ask"}, {"from": ["fast", "ask"], "to": "join"}, {"from": "join", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "get_state"},
          {"call": "stream", "resume": "yes", "modes": ["updates", "values", "debug"]}]))

add(case("x_interrupts_parallel_static", "interrupts", "two parallel nodes interrupt; plain resume is refused",
         {"state": {"a": "overwrite", "b": "overwrite"},
          "nodes": {"p": node(op("interrupt", value="p?", key="a")), "q": node(op("interrupt", value="q?", key="b"))},
          "edges": [{"from": S, "to": "p"}, {"from": S, "to": "q"}, {"from": "p", "to": E}, {"from": "q", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "resume", "value": 1}, {"call": "get_state"}]))

add(case("x_interrupt_then_new_input", "interrupts", "new input on an interrupted thread discards the pending task",
         {"state": {"log": "append", "ans": "overwrite"},
          "nodes": {"ask": node(op("interrupt", value="q", key="ans")), "after": node(app("log", "after"))},
          "edges": chain("ask", "after"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"log": ["one"]}}, {"call": "invoke", "input": {"log": ["two"]}}, {"call": "get_state"},
          {"call": "resume", "value": "x"}]))

add(case("x_subgraph_all_modes", "subgraphs", "subgraph streamed with subgraphs=True in values/updates/custom/debug",
         {"state": {"log": "append"},
          "nodes": {"pre": node(app("log", "pre")),
                    "sub": {"subgraph": {"state": {"log": "append"},
                                         "nodes": {"s1": node(app("log", "s1"), op("emit", value="e1")), "s2": node(app("log", "s2"))},
                                         "edges": chain("s1", "s2")}}},
          "edges": chain("pre", "sub")},
         [{"call": "stream", "input": {}, "modes": ["values", "updates", "custom", "debug"], "subgraphs": True},
          {"call": "stream", "input": {}, "modes": ["custom", "updates"]}]))

add(case("x_subgraph_with_send", "subgraphs", "subgraph fans out with Send inside",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"sub": {"subgraph": {"state": {"items": "overwrite", "out": "append"},
                                         "nodes": {"plan": node(op("set", key="items", value=[1, 2, 3])), "w": node(app("out", {"$arg": "v"}))},
                                         "edges": [{"from": S, "to": "plan"},
                                                   {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                                                   {"from": "w", "to": E}]}},
                    "post": node(app("out", {"$fmt": "n={n}", "n": {"$len": "out"}}))},
          "edges": chain("sub", "post")},
         [{"call": "invoke", "input": {}}, {"call": "stream", "input": {}, "modes": "updates", "subgraphs": True}]))

add(case("x_subgraph_error", "subgraphs", "error inside a subgraph surfaces from the parent",
         {"state": {"log": "append"},
          "nodes": {"sub": {"subgraph": {"state": {"log": "append"},
                                         "nodes": {"ok": node(app("log", "ok")), "bad": node(op("fail", type="RuntimeError", message="inner"))},
                                         "edges": chain("ok", "bad")}}},
          "edges": chain("sub"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": "updates", "subgraphs": True}, {"call": "get_state"}]))

add(case("x_subgraph_interrupt_twice", "subgraphs", "subgraph node interrupts twice across two resumes",
         {"state": {"log": "append", "a": "overwrite", "b": "overwrite"},
          "nodes": {"sub": {"subgraph": {"state": {"log": "append", "a": "overwrite", "b": "overwrite"},
                                         "nodes": {"x": node(app("log", "x")), "q1": node(op("interrupt", value="a?", key="a")),
                                                   "q2": node(op("interrupt", value="b?", key="b"))},
                                         "edges": chain("x", "q1", "q2")}},
                    "end": node(app("log", {"$fmt": "{a}{b}", "a": {"$state": "a"}, "b": {"$state": "b"}}))},
          "edges": chain("sub", "end"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}}, {"call": "resume", "value": "1"}, {"call": "get_state"},
          {"call": "stream", "resume": "2", "modes": ["updates", "values"], "subgraphs": True}]))

add(case("x_messages_parallel_llms", "messages", "two LLM nodes stream in parallel; tokens stay per message",
         {"state": {"messages": "messages"},
          "nodes": {"a": node(op("llm", tokens=["a1", "a2", "a3"], id="ma")), "b": node(op("llm", tokens=["b1", "b2"], id="mb")),
                    "c": node(op("message", role="ai", content="summary", id="mc"))},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"}, {"from": ["a", "b"], "to": "c"}, {"from": "c", "to": E}]},
         [{"call": "stream", "input": {"messages": [{"role": "user", "content": "go", "id": "u"}]}, "modes": ["messages", "values"]}]))

add(case("x_messages_replace_same_step", "messages", "a node rewrites an input message and adds one; messages mode",
         {"state": {"messages": "messages"},
          "nodes": {"a": node(op("message", role="user", content="edited", id="u"), op("message", role="ai", content="answer", id="m1"))},
          "edges": chain("a"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {"messages": [{"role": "user", "content": "orig", "id": "u"}]}, "modes": ["messages", "updates"]},
          {"call": "stream", "input": {"messages": [{"role": "user", "content": "again", "id": "u2"}]}, "modes": "messages"}]))

add(case("x_messages_key_custom", "messages", "llm writing to a non-default key with a messages reducer",
         {"state": {"chat": "messages", "n": "add"},
          "nodes": {"a": node(op("llm", tokens=["x", "y"], id="m", key="chat"), op("incr", key="n"))},
          "edges": chain("a")},
         [{"call": "stream", "input": {}, "modes": ["messages", "updates"]}, {"call": "invoke", "input": {"chat": [{"role": "system", "content": "s", "id": "s"}]}}]))

add(case("x_max_concurrency_2_sleeps", "concurrency", "6 sleeping Sends with max_concurrency 2",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=[5, 4, 3, 2, 1, 0])),
                    "w": node(op("sleep", ms=15, when={"gt": [{"$arg": "v"}, 2]}), app("out", {"$arg": "v"}), op("emit", value={"$arg": "v"}))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}]},
         [{"call": "stream", "input": {}, "modes": ["custom", "updates", "values"]}], config={"max_concurrency": 2}))

add(case("x_debug_interrupt_error", "streams", "debug mode with an interrupt and a later error",
         {"state": {"n": "add"},
          "nodes": {"a": node(op("incr", key="n")), "ask": node(op("interrupt", value="go?", key="n")),
                    "bad": node(op("fail", type="ValueError", message="nope"))},
          "edges": chain("a", "ask", "bad"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {"n": 0}, "modes": "debug"}, {"call": "stream", "resume": 5, "modes": "debug"}]))

add(case("x_threads_config", "threads", "per-call thread ids and update_state on another thread",
         {"state": {"log": "append"}, "nodes": logger("a"), "edges": chain("a"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"log": ["x"]}, "config": {"thread_id": "t-x"}},
          {"call": "update_state", "values": {"log": ["y"]}, "config": {"thread_id": "t-y"}},
          {"call": "invoke", "input": None, "config": {"thread_id": "t-y"}},
          {"call": "get_state_history", "config": {"thread_id": "t-y"}}, {"call": "get_state"}]))

add(case("x_sqlite_subgraph_interrupt", "sqlite", "subgraph interrupt and resume on the SQLite saver",
         {"state": {"log": "append", "x": "overwrite"},
          "nodes": {"sub": {"subgraph": {"state": {"log": "append", "x": "overwrite"},
                                         "nodes": {"s1": node(app("log", "s1")), "ask": node(op("interrupt", value="v?", key="x"))},
                                         "edges": chain("s1", "ask")}},
                    "post": node(app("log", {"$fmt": "post {x}", "x": {"$state": "x"}}))},
          "edges": chain("sub", "post"), "compile": {"checkpointer": "sqlite"}},
         [{"call": "invoke", "input": {}}, {"call": "get_state"}, {"call": "stream", "resume": "Z", "modes": ["updates", "values"]},
          {"call": "get_state_history", "limit": 3}]))

add(case("x_sqlite_error_rerun", "sqlite", "failed parallel step on SQLite, then retry",
         {"state": {"log": "append", "ok": "overwrite"},
          "nodes": {"a": node(app("log", "a")), "b": node(op("fail", type="IOError", message="disk", when={"not": {"truthy": {"$state": "ok"}}}), app("log", "b"))},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"}, {"from": "a", "to": E}, {"from": "b", "to": E}],
          "compile": {"checkpointer": "sqlite"}},
         [{"call": "invoke", "input": {}}, {"call": "get_state"}, {"call": "update_state", "values": {"ok": True}, "as_node": "a"},
          {"call": "invoke", "input": None}, {"call": "get_state_history"}]))

add(case("x_fmt_and_expressions", "language", "expression language: $add, $literal, $len, in, and/or/not",
         {"state": {"s": "overwrite", "log": "append"},
          "nodes": {"a": node(op("set", key="s", value={"$add": [{"$state": "s"}, "-x", "-y"]}),
                              app("log", {"$literal": {"$state": "not evaluated"}}),
                              app("log", "in", when={"in": ["b", ["a", "b"]]}),
                              app("log", "and", when={"and": [{"ne": [1, 2]}, {"not": {"gt": [1, 2]}}]}),
                              app("log", "or", when={"or": [False, {"le": [2, 2]}]}),
                              app("log", {"$fmt": "len={n}", "n": {"$len": "log"}}))},
          "edges": chain("a")},
         [{"call": "invoke", "input": {"s": "base", "log": ["seed"]}}]))

add(case("x_undeclared_and_null", "state", "writing null to an overwrite key and undeclared keys from a Send",
         {"state": {"x": "overwrite", "items": "overwrite", "out": "append"},
          "nodes": {"a": node(op("set", key="x", value=None), op("set", key="items", value=[1])),
                    "w": node(op("set", key="ghost", value=1), app("out", {"$arg": "v"}))},
          "edges": [{"from": S, "to": "a"}, {"type": "send", "from": "a", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}]},
         [{"call": "stream", "input": {"x": 1}, "modes": ["values", "updates"]}]))

add(case("x_start_fanout_join_checkpointer", "edges", "START fans out, join, history with a checkpointer",
         {"state": {"log": "append"}, "nodes": logger("p", "q", "j"),
          "edges": [{"from": S, "to": "p"}, {"from": S, "to": "q"}, {"from": ["p", "q"], "to": "j"}, {"from": "j", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["debug"]}, {"call": "get_state_history"}]))

add(case("x_resume_finished_thread", "interrupts", "invoke(None) and resume on a thread with nothing pending",
         {"state": {"log": "append"}, "nodes": logger("a"), "edges": chain("a"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}}, {"call": "stream", "input": None, "modes": "updates"},
          {"call": "resume", "value": "late"}, {"call": "get_state"}]))



# ----------------------------------------------------------------- round 2

def sub(state, nodes, edges):
    return {"subgraph": {"state": state, "nodes": nodes, "edges": edges}}


add(case("x2_nested_subgraphs", "subgraphs", "a subgraph inside a subgraph, streamed with namespaces",
         {"state": {"log": "append"},
          "nodes": {"outer": sub({"log": "append"},
                                 {"o1": node(app("log", "o1")),
                                  "inner": sub({"log": "append"}, {"i1": node(app("log", "i1"), op("emit", value="deep"))}, chain("i1"))},
                                 chain("o1", "inner"))},
          "edges": chain("outer")},
         [{"call": "stream", "input": {}, "modes": ["updates", "custom"], "subgraphs": True}, {"call": "invoke", "input": {}}]))

add(case("x2_send_to_subgraph", "subgraphs", "Send fan-out to a subgraph node: each gets its arg as input",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=["a", "b"])),
                    "worker": sub({"v": "overwrite", "out": "append"},
                                  {"w": node(app("out", {"$fmt": "sub-{v}", "v": {"$state": "v"}}))}, chain("w"))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "worker", "arg": {"v": {"$item": ""}}},
                    {"from": "worker", "to": E}]},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "stream", "input": {}, "modes": "updates", "subgraphs": True}]))

add(case("x2_interrupt_in_sent_subgraph", "subgraphs", "interrupt inside a subgraph started by Send, with a checkpointer",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=["only"])),
                    "worker": sub({"v": "overwrite", "out": "append", "ok": "overwrite"},
                                  {"ask": node(op("interrupt", value={"$fmt": "approve {v}?", "v": {"$state": "v"}}, key="ok")),
                                   "w": node(app("out", {"$fmt": "{v}:{ok}", "v": {"$state": "v"}, "ok": {"$state": "ok"}}))},
                                  chain("ask", "w"))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "worker", "arg": {"v": {"$item": ""}}},
                    {"from": "worker", "to": E}], "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}}, {"call": "get_state"}, {"call": "resume", "value": "yes"}]))

add(case("x2_subgraph_messages_checkpointer", "messages", "LLM in a subgraph with a checkpointer, messages mode both ways",
         {"state": {"messages": "messages"},
          "nodes": {"sub": sub({"messages": "messages"}, {"talk": node(op("llm", tokens=["s1", "s2"], id="sm"))}, chain("talk")),
                    "after": node(op("message", role="ai", content="after", id="am"))},
          "edges": chain("sub", "after"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {"messages": [{"role": "user", "content": "q", "id": "u1"}]}, "modes": "messages"},
          {"call": "stream", "input": {"messages": [{"role": "user", "content": "q2", "id": "u2"}]}, "modes": ["messages", "updates"], "subgraphs": True}]))

add(case("x2_goto_from_send_worker", "command", "a Send worker routes with Command(goto)",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=[1, 2])),
                    "w": node(app("out", {"$arg": "v"}), op("goto", to="fin", when={"eq": [{"$arg": "v"}, 2]})),
                    "fin": node(app("out", "fin"))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "fin", "to": E}]},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}]))

add(case("x2_join_with_sends", "edges", "a node reached by a join and Send tasks in the same graph",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"a": node(op("set", key="items", value=[7])), "b": node(app("out", "b")),
                    "w": node(app("out", {"$arg": "v"})), "j": node(app("out", "j"))},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"},
                    {"type": "send", "from": "a", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": ["a", "b"], "to": "j"}, {"from": "w", "to": E}, {"from": "j", "to": E}]},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}]))

add(case("x2_route_reads_own_writes", "edges", "a router sees its node's own writes but not its siblings'",
         {"state": {"x": "overwrite", "y": "overwrite", "log": "append"},
          "nodes": {"a": node(op("set", key="x", value=1)), "b": node(op("sleep", ms=10), op("set", key="y", value=1)),
                    "seen_both": node(app("log", "both")), "seen_x": node(app("log", "x only"))},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"},
                    {"type": "route", "from": "a", "rules": [{"when": {"and": [{"eq": [{"$state": "x"}, 1]}, {"eq": [{"$state": "y"}, 1]}]}, "to": "seen_both"}],
                     "default": "seen_x"},
                    {"from": "b", "to": E}, {"from": "seen_both", "to": E}, {"from": "seen_x", "to": E}]},
         [{"call": "invoke", "input": {}}]))

add(case("x2_interrupt_before_start_node", "interrupts", "interrupt_before the first node, resume, and a second run on the thread",
         {"state": {"log": "append"}, "nodes": logger("a", "b"), "edges": chain("a", "b"),
          "compile": {"checkpointer": "memory", "interrupt_before": ["a"]}},
         [{"call": "stream", "input": {"log": ["in"]}, "modes": ["values", "updates"]}, {"call": "get_state"},
          {"call": "stream", "input": None, "modes": ["values", "updates"]},
          {"call": "invoke", "input": {"log": ["again"]}}, {"call": "get_state_history", "limit": 5}]))

add(case("x2_interrupt_after_parallel", "interrupts", "interrupt_after one of two parallel nodes",
         {"state": {"log": "append"}, "nodes": logger("a", "b", "c"),
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"}, {"from": "a", "to": "c"}, {"from": "b", "to": E}, {"from": "c", "to": E}],
          "compile": {"checkpointer": "memory", "interrupt_after": ["b"]}},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "get_state"}, {"call": "invoke", "input": None}]))

add(case("x2_resume_stream_values_only", "interrupts", "resume in values mode after a dynamic interrupt in a Send worker",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=["x"])),
                    "w": node(op("interrupt", value={"$arg": "v"}, key="out", mode="append"))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}], "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": "values"}, {"call": "stream", "resume": "done", "modes": "values"}]))

add(case("x2_update_state_twice_then_history", "state", "two update_state calls and history on a fresh thread",
         {"state": {"n": "add", "x": "overwrite"},
          "nodes": {"a": node(op("incr", key="n"))}, "edges": chain("a"), "compile": {"checkpointer": "memory"}},
         [{"call": "update_state", "values": {"n": 5}}, {"call": "update_state", "values": {"x": "y"}},
          {"call": "get_state"}, {"call": "invoke", "input": None}, {"call": "get_state_history"}]))

add(case("x2_update_state_as_start", "state", "update_state as __start__ on an existing thread",
         {"state": {"log": "append"}, "nodes": logger("a"), "edges": chain("a"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"log": ["first"]}}, {"call": "update_state", "values": {"log": ["seeded"]}, "as_node": "__start__"},
          {"call": "get_state"}, {"call": "invoke", "input": None}]))

add(case("x2_stream_error_first_step", "errors", "a stream whose first node fails emits the input values first",
         {"state": {"x": "overwrite"}, "nodes": {"a": node(op("fail", type="ZeroDivisionError", message="division by zero"))},
          "edges": chain("a")},
         [{"call": "stream", "input": {"x": 1}, "modes": ["values", "updates", "debug"]}]))

add(case("x2_max_concurrency_subgraph", "concurrency", "max_concurrency 1 with parallel subgraph nodes",
         {"state": {"log": "append"},
          "nodes": {"s1": sub({"log": "append"}, {"a": node(op("sleep", ms=10), app("log", "s1a"))}, chain("a")),
                    "s2": sub({"log": "append"}, {"a": node(app("log", "s2a"))}, chain("a"))},
          "edges": [{"from": S, "to": "s1"}, {"from": S, "to": "s2"}, {"from": "s1", "to": E}, {"from": "s2", "to": E}]},
         [{"call": "invoke", "input": {}}, {"call": "stream", "input": {}, "modes": "updates", "subgraphs": True}],
         config={"max_concurrency": 1}))

add(case("x2_recursion_limit_boundary", "recursion", "limit exactly equal to the node steps needed, with a loop",
         {"state": {"n": "add"},
          "nodes": {"a": node(op("incr", key="n"))},
          "edges": [{"from": S, "to": "a"},
                    {"type": "route", "from": "a", "rules": [{"when": {"lt": [{"$state": "n"}, 3]}, "to": "a"}], "default": E}]},
         [{"call": "invoke", "input": {}, "config": {"recursion_limit": 3}}, {"call": "invoke", "input": {}, "config": {"recursion_limit": 2}},
          {"call": "stream", "input": {}, "modes": "values", "config": {"recursion_limit": 1}}]))

add(case("x2_messages_system", "messages", "system and ai messages written by a node, updates and messages modes",
         {"state": {"messages": "messages"},
          "nodes": {"a": node(op("message", role="system", content="be brief", id="s"), op("message", role="assistant", content="42", id="t1"))},
          "edges": chain("a")},
         [{"call": "stream", "input": {"messages": [{"role": "user", "content": "hi", "id": "u"}]}, "modes": ["updates", "messages"]}]))

add(case("x2_values_interrupt_without_updates", "interrupts", "values mode only: interrupt chunk shape",
         {"state": {"x": "overwrite", "log": "append"},
          "nodes": {"a": node(app("log", "a")), "b": node(op("interrupt", value=[1, 2], key="x"))},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"}, {"from": "a", "to": E}, {"from": "b", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {"x": 0}, "modes": "values"}, {"call": "get_state"}, {"call": "stream", "resume": {"k": "v"}, "modes": "values"}]))

add(case("x2_custom_values_from_send", "streams", "custom writes from Send workers and the planner in one stream",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("emit", value="planning"), op("set", key="items", value=[1, 2])),
                    "w": node(op("emit", value={"w": {"$arg": "v"}}), app("out", {"$arg": "v"}))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}]},
         [{"call": "stream", "input": {}, "modes": "custom"}, {"call": "stream", "input": {}, "modes": ["custom", "values", "debug"]}]))


# ----------------------------------------------------------------- round 3: issue 20

def fan(names, checkpointer="memory", **compile):
    """START fans out to every node of `names`; each ends."""
    return ([{"from": S, "to": n} for n in names] + [{"from": n, "to": E} for n in names],
            {"checkpointer": checkpointer, **compile})


edges, comp = fan(["bad", "fast", "slow"])
add(case("x3_error_cancels_running_sibling", "errors",
         "a failure cancels a sibling still running (recorded as CancelledError()); a sibling that finished keeps its writes",
         {"state": {"log": "append"},
          "nodes": {"fast": node(app("log", "fast")), "bad": node(op("sleep", ms=30), op("fail", type="ValueError", message="boom")),
                    "slow": node(op("sleep", ms=5000), app("log", "slow"))},
          "edges": edges, "compile": comp},
         [{"call": "stream", "input": {}, "modes": ["updates", "values", "debug"]}, {"call": "get_state"},
          {"call": "invoke", "input": None}, {"call": "get_state_history", "limit": 2}]))

# memory: on LangGraph's SQLite saver the stream returns before the first
# cancelled task's write is committed, so state_after would miss it.
edges, comp = fan(["a", "b", "c", "d"])
add(case("x3_error_cancels_waiting_siblings", "errors",
         "max_concurrency 1: tasks still waiting for a slot when one fails are cancelled and recorded",
         {"state": {"log": "append"},
          "nodes": {"a": node(app("log", "a")), "b": node(op("fail", type="RuntimeError", message="b failed")),
                    "c": node(app("log", "c")), "d": node(app("log", "d"))},
          "edges": edges, "compile": comp},
         [{"call": "stream", "input": {}, "modes": ["updates", "debug"]}, {"call": "get_state"}],
         config={"max_concurrency": 1}))

add(case("x3_error_cancels_sends_max_concurrency", "errors",
         "max_concurrency 2 over four Sends: one finished, one fails, one running and one waiting are cancelled",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=[1, 2, 3, 4])),
                    "w": node(op("sleep", ms=30, when={"eq": [{"$arg": "v"}, 2]}),
                              op("fail", type="KeyError", message="w2", when={"eq": [{"$arg": "v"}, 2]}),
                              op("sleep", ms=5000, when={"ge": [{"$arg": "v"}, 3]}),
                              app("out", {"$arg": "v"}))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "get_state"}],
         config={"max_concurrency": 2}))

add(case("x3_update_state_end_clears_breakpoint", "state",
         "update_state(None, as_node=END) while paused clears the pending step; invoke(None) then runs nothing",
         {"state": {"log": "append"}, "nodes": logger("a", "b"), "edges": chain("a", "b"),
          "compile": {"checkpointer": "memory", "interrupt_before": ["b"]}},
         [{"call": "invoke", "input": {}}, {"call": "update_state", "values": None, "as_node": E}, {"call": "get_state"},
          {"call": "invoke", "input": None}, {"call": "get_state_history"},
          {"call": "update_state", "values": {"log": ["x"]}, "as_node": E},
          {"call": "update_state", "values": None, "as_node": E}, {"call": "get_state"},
          {"call": "update_state", "values": None, "as_node": E, "config": {"thread_id": "fresh"}},
          {"call": "invoke", "input": {"log": ["again"]}}]))

edges, comp = fan(["bad", "fast", "slow"], checkpointer="sqlite")
add(case("x3_update_state_end_after_error", "state",
         "update_state(None, as_node=END) after a failed step keeps the finished sibling's writes and clears the rest",
         {"state": {"log": "append"},
          "nodes": {"fast": node(app("log", "fast")), "bad": node(op("sleep", ms=30), op("fail", type="ValueError", message="boom")),
                    "slow": node(op("sleep", ms=5000), app("log", "slow"))},
          "edges": edges, "compile": comp},
         [{"call": "invoke", "input": {"log": ["in"]}}, {"call": "update_state", "values": None, "as_node": E},
          {"call": "invoke", "input": None}, {"call": "get_state_history", "limit": 2}]))

add(case("x3_update_state_end_dynamic_interrupt", "state",
         "update_state(None, as_node=END) drops a pending dynamic interrupt; a later resume runs nothing",
         {"state": {"log": "append", "ans": "overwrite"},
          "nodes": {"ask": node(app("log", "ask"), op("interrupt", value="ok?", key="ans")), "after": node(app("log", "after"))},
          "edges": chain("ask", "after"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}}, {"call": "update_state", "values": None, "as_node": E}, {"call": "get_state"},
          {"call": "resume", "value": "late"}, {"call": "get_state_history", "limit": 2}]))

add(case("x3_recursion_limit_below_one", "recursion",
         "recursion_limit below 1 is refused with ValueError before anything runs, on a fresh and an existing thread",
         {"state": {"log": "append"}, "nodes": logger("a"), "edges": chain("a"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"log": ["x"]}, "config": {"recursion_limit": 0}},
          {"call": "stream", "input": {"log": ["x"]}, "modes": ["values", "debug"], "config": {"recursion_limit": -1}},
          {"call": "invoke", "input": {"log": ["y"]}, "config": {"recursion_limit": 2}},
          {"call": "invoke", "input": None, "config": {"recursion_limit": 0}},
          {"call": "stream", "input": {"log": ["z"]}, "modes": "updates", "config": {"recursion_limit": 0}},
          {"call": "get_state_history"}]))

add(case("x3_recursion_limit_zero_no_checkpointer", "recursion",
         "recursion_limit 0 without a checkpointer, from the case config",
         {"state": {"n": "add"}, "nodes": {"a": node(op("incr", key="n"))}, "edges": chain("a")},
         [{"call": "invoke", "input": {"n": 1}}, {"call": "stream", "input": {"n": 1}, "modes": ["values", "updates"]},
          {"call": "invoke", "input": {"n": 1}, "config": {"recursion_limit": 2}}],
         config={"recursion_limit": 0}))

add(case("x3_node_returns_non_dict", "errors",
         "a node returning a non-dict fails with InvalidUpdateError: the value as str(), then the troubleshooting line",
         {"state": {"x": "overwrite"}, "nodes": {"a": node(op("return", value={"$state": "x"}))}, "edges": chain("a"),
          "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"x": "hello"}}, {"call": "get_state"},
          {"call": "invoke", "input": {"x": [1, "a", None, True, 2.5, {"k": "it's"}]}},
          {"call": "invoke", "input": {"x": 3.5}}, {"call": "invoke", "input": {"x": 7}},
          {"call": "invoke", "input": {"x": "it's \"q\"\nline"}},
          {"call": "stream", "input": {"x": False}, "modes": ["updates", "debug"]},
          {"call": "invoke", "input": {"x": {"k": 1}}}]))

add(case("x3_send_worker_returns_non_dict", "errors",
         "a Send worker returning a list fails the step; a slower sibling is cancelled",
         {"state": {"items": "overwrite", "out": "append"},
          "nodes": {"plan": node(op("set", key="items", value=["ok", "bad"])),
                    "w": node(op("return", value=[{"$arg": "v"}, "x"], when={"eq": [{"$arg": "v"}, "bad"]}),
                              op("sleep", ms=5000), app("out", {"$arg": "v"}))},
          "edges": [{"from": S, "to": "plan"}, {"type": "send", "from": "plan", "over": "items", "node": "w", "arg": {"v": {"$item": ""}}},
                    {"from": "w", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "debug"]}, {"call": "get_state"}]))

# Resume by interrupt id (Command(resume={id: value})). Interrupt ids are not
# part of the recorded output (FORMAT.md drops them), so a call names the
# pending tasks instead: "resume_by_node" {task name: value} is resolved by
# the runner, from get_state().tasks, into {that task's pending interrupt id: value}.
PARALLEL_ASK = {"state": {"a": "overwrite", "b": "overwrite", "log": "append"},
                "nodes": {"p": node(op("interrupt", value="p?", key="a"), app("log", {"$fmt": "p got {v}", "v": {"$state": "a"}})),
                          "q": node(op("interrupt", value="q?", key="b"), app("log", {"$fmt": "q got {v}", "v": {"$state": "b"}})),
                          "join": node(app("log", "join"))},
                "edges": [{"from": S, "to": "p"}, {"from": S, "to": "q"}, {"from": ["p", "q"], "to": "join"}, {"from": "join", "to": E}],
                "compile": {"checkpointer": "memory"}}

add(case("x4_resume_map_parallel", "interrupts", "two parallel interrupts answered together by id, each with its own value",
         PARALLEL_ASK,
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]},
          {"call": "resume", "resume_by_node": {"p": "P", "q": "Q"}}, {"call": "get_state"}]))

add(case("x4_resume_map_partial", "interrupts", "a resume map naming one of two pending interrupts; the other stays pending",
         PARALLEL_ASK,
         [{"call": "invoke", "input": {}}, {"call": "resume", "resume_by_node": {"q": "Q"}}, {"call": "get_state"},
          {"call": "stream", "resume_by_node": {"p": "P"}, "modes": ["updates", "values"]}, {"call": "get_state"}]))

add(case("x4_resume_map_subgraph", "interrupts", "a subgraph's interrupt and a sibling's answered together by id",
         {"state": {"log": "append", "a": "overwrite", "b": "overwrite"},
          "nodes": {"sub": {"subgraph": {"state": {"log": "append", "a": "overwrite"},
                                         "nodes": {"x": node(app("log", "x")), "ask": node(op("interrupt", value="inner?", key="a"))},
                                         "edges": chain("x", "ask")}},
                    "outer": node(op("interrupt", value="outer?", key="b")),
                    "end": node(app("log", {"$fmt": "{a}/{b}", "a": {"$state": "a"}, "b": {"$state": "b"}}))},
          "edges": [{"from": S, "to": "sub"}, {"from": S, "to": "outer"}, {"from": ["sub", "outer"], "to": "end"}, {"from": "end", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}}, {"call": "get_state"},
          {"call": "stream", "resume_by_node": {"sub": "in", "outer": "out"}, "modes": ["updates", "values"], "subgraphs": True},
          {"call": "get_state"}]))

# Deferred nodes (add_node(..., defer=True)): a node so marked runs only when
# nothing else is due. A node spec may be {"ops": [...], "defer": true}.
add(case("x4_defer_uneven_branches", "defer", "a deferred join after branches of different lengths runs once, after the longest",
         {"state": {"log": "append"},
          "nodes": {"a": node(app("log", "a")), "b1": node(app("log", "b1")), "b2": node(app("log", "b2")),
                    "join": {"ops": node(app("log", {"$fmt": "join after {n}", "n": {"$len": "log"}})), "defer": True}},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b1"}, {"from": "b1", "to": "b2"},
                    {"from": "a", "to": "join"}, {"from": "b2", "to": "join"}, {"from": "join", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "debug"]}, {"call": "get_state"},
          {"call": "get_state_history"}]))

add(case("x4_defer_join_edge", "defer", "a deferred node behind a join edge waits for both sources and for the end",
         {"state": {"log": "append"},
          "nodes": {"a": node(app("log", "a")), "b1": node(app("log", "b1")), "b2": node(app("log", "b2")),
                    "c": {"ops": node(app("log", "c")), "defer": True}, "side": node(app("log", "side"))},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b1"}, {"from": "b1", "to": "b2"}, {"from": "b2", "to": "side"},
                    {"from": ["a", "b2"], "to": "c"}, {"from": "c", "to": E}, {"from": "side", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "get_state"}]))

add(case("x4_defer_interrupt_before", "defer", "a deferred node with a breakpoint before it, resumed",
         {"state": {"log": "append"},
          "nodes": {"a": node(app("log", "a")), "b": node(app("log", "b")), "c": node(app("log", "c")),
                    "last": {"ops": node(app("log", "last")), "defer": True}},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b"}, {"from": "b", "to": "c"},
                    {"from": "a", "to": "last"}, {"from": "last", "to": E}, {"from": "c", "to": E}],
          "compile": {"checkpointer": "memory", "interrupt_before": ["last"]}},
         [{"call": "invoke", "input": {}}, {"call": "get_state"}, {"call": "stream", "input": None, "modes": ["updates", "values"]}]))

# Retry, timeout and cache policies (add_node(retry_policy=, timeout=,
# cache_policy=), compile(cache=InMemoryCache())). A node spec may carry
# "retry", "timeout" and "cache"; {"$attempt": ""} is the node's attempt.
ATTEMPT = {"$attempt": ""}
QUICK = {"initial_interval": 0.01, "jitter": False}


def flaky(key, until, error="ConnectionError", **extra):
    """Emits and logs its attempt, then fails while the attempt is below `until`."""
    return node(op("emit", value={"$fmt": "try {n}", "n": ATTEMPT}),
                app(key, {"$fmt": "attempt {n}", "n": ATTEMPT}),
                op("fail", type=error, message={"$fmt": "down on {n}", "n": ATTEMPT}, when={"lt": [ATTEMPT, until]}))


add(case("x5_retry_recovered", "retry", "a node failing twice with ConnectionError succeeds on its third attempt",
         {"state": {"log": "append"},
          "nodes": {"flaky": {"ops": flaky("log", 3), "retry": {"max_attempts": 3, **QUICK}}, "after": node(app("log", "after"))},
          "edges": chain("flaky", "after"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "custom", "debug"]}, {"call": "get_state"}]))

add(case("x5_retry_exhausted", "retry", "a node that keeps failing gives up after max_attempts; the last error is recorded",
         {"state": {"log": "append"},
          "nodes": {"flaky": {"ops": flaky("log", 9), "retry": {"max_attempts": 2, **QUICK}}},
          "edges": chain("flaky"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "custom"]}, {"call": "get_state"}]))

add(case("x5_retry_not_retried", "retry", "the default retry_on does not retry a ValueError",
         {"state": {"log": "append"},
          "nodes": {"flaky": {"ops": flaky("log", 3, error="ValueError"), "retry": {"max_attempts": 3, **QUICK}}},
          "edges": chain("flaky"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["custom", "updates"]}, {"call": "get_state"}]))

add(case("x5_retry_retry_on", "retry", "retry_on=(LookupError,) retries a KeyError but not a TypeError",
         {"state": {"log": "append"},
          "nodes": {"k": {"ops": flaky("log", 2, error="KeyError"), "retry": {"max_attempts": 3, "retry_on": ["LookupError"], **QUICK}},
                    "t": {"ops": flaky("log", 2, error="TypeError"), "retry": {"max_attempts": 3, "retry_on": ["LookupError"], **QUICK}}},
          "edges": [{"from": S, "to": "k"}, {"from": "k", "to": "t"}, {"from": "t", "to": E}], "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["custom", "updates"]}, {"call": "get_state"}]))

add(case("x5_retry_parallel_step", "retry", "a retried node in a parallel step applies exactly one write",
         {"state": {"log": "append", "total": "add"},
          "nodes": {"flaky": {"ops": flaky("log", 2) + [op("incr", key="total", by=1)], "retry": {"max_attempts": 3, **QUICK}},
                    "steady": node(app("log", "steady"), op("incr", key="total", by=10)),
                    "join": node(app("log", {"$fmt": "join {t}", "t": {"$state": "total"}}))},
          "edges": [{"from": S, "to": "flaky"}, {"from": S, "to": "steady"}, {"from": ["flaky", "steady"], "to": "join"}, {"from": "join", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "values"]}, {"call": "get_state"}, {"call": "get_state_history"}]))

add(case("x5_retry_messages", "retry", "a retried node streams its tokens again; the final message is the last attempt's",
         {"state": {"messages": "messages"},
          "nodes": {"talk": {"ops": node(op("llm", tokens=["a", {"$fmt": "{n}", "n": ATTEMPT}], id="m1"),
                                         op("fail", type="ConnectionError", message="cut", when={"lt": [ATTEMPT, 2]})),
                             "retry": {"max_attempts": 2, **QUICK}}},
          "edges": chain("talk"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {"messages": []}, "modes": ["messages", "updates"]}, {"call": "get_state"}]))

add(case("x5_retry_send_tasks", "retry", "Send tasks retry independently; each applies one write",
         {"state": {"items": "overwrite", "log": "append"},
          "nodes": {"fan": node(), "work": {"ops": node(op("emit", value={"$fmt": "{i} try {n}", "i": {"$arg": "i"}, "n": ATTEMPT}),
                                                      op("fail", type="ConnectionError", message="x",
                                                         when={"and": [{"eq": [{"$arg": "i"}, 1]}, {"lt": [ATTEMPT, 2]}]}),
                                                      app("log", {"$fmt": "w{i}", "i": {"$arg": "i"}})),
                                            "retry": {"max_attempts": 2, **QUICK}}},
          "edges": [{"from": S, "to": "fan"}, {"type": "send", "from": "fan", "over": "items", "node": "work", "arg": {"i": {"$item": ""}}},
                    {"from": "work", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {"items": [0, 1, 2]}, "modes": ["updates", "custom"]}, {"call": "get_state"}]))

add(case("x5_timeout_then_retry", "timeout", "an attempt over its run timeout is cancelled and retried; the retry finishes",
         {"state": {"log": "append"},
          "nodes": {"slow": {"ops": node(op("emit", value={"$fmt": "try {n}", "n": ATTEMPT}),
                                         op("sleep", ms=5000, when={"lt": [ATTEMPT, 2]}),
                                         app("log", {"$fmt": "done on {n}", "n": ATTEMPT})),
                             "timeout": {"run": 1.0}, "retry": {"max_attempts": 2, **QUICK}}},
          "edges": chain("slow"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "custom"]}, {"call": "get_state"}]))

add(case("x5_timeout_idle_progress", "timeout", "custom writes are progress: a node slower than its idle limit, streaming, finishes",
         {"state": {"log": "append"},
          "nodes": {"ticker": {"ops": node(*[x for i in range(6) for x in (op("sleep", ms=300), op("emit", value=i))],
                                           app("log", "ticked")),
                               "timeout": {"idle": 1.5}}},
          "edges": chain("ticker"), "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "custom"]}]))

add(case("x5_retry_interrupt", "retry", "a retried node asks its interrupts again from the first; answers given are reused",
         {"state": {"answers": "append"},
          "nodes": {"ask": {"ops": node(op("interrupt", value="first?", key="answers", mode="append"),
                                        op("fail", type="ConnectionError", message="flap", when={"lt": [ATTEMPT, 2]}),
                                        op("interrupt", value="second?", key="answers", mode="append")),
                            "retry": {"max_attempts": 2, **QUICK}}},
          "edges": chain("ask"), "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}}, {"call": "resume", "value": "A"}, {"call": "get_state"},
          {"call": "stream", "resume": "B", "modes": ["updates", "values"]}]))

CACHED = {"state": {"x": "overwrite", "log": "append"},
          "nodes": {"work": {"ops": node(op("emit", value="ran"), app("log", {"$fmt": "work {x}", "x": {"$state": "x"}})),
                             "cache": {}},
                    "after": node(app("log", "after"))},
          "edges": chain("work", "after"), "compile": {"checkpointer": "memory", "cache": "memory"}}

add(case("x5_cache_hit_and_miss", "cache", "same input on another thread: a cache hit marked cached; a new input: a miss",
         CACHED,
         [{"call": "stream", "input": {"x": 1}, "modes": ["updates", "custom", "debug"], "config": {"thread_id": "a"}},
          {"call": "stream", "input": {"x": 1}, "modes": ["updates", "custom", "debug"], "config": {"thread_id": "b"}},
          {"call": "get_state", "config": {"thread_id": "b"}},
          {"call": "stream", "input": {"x": 2}, "modes": ["updates", "custom"], "config": {"thread_id": "c"}}]))

add(case("x5_cache_send_tasks", "cache", "cached Send tasks: a second run with the same items takes every result from the cache",
         {"state": {"items": "overwrite", "log": "append"},
          "nodes": {"fan": node(), "work": {"ops": node(op("emit", value={"$arg": "i"}), app("log", {"$fmt": "w{i}", "i": {"$arg": "i"}})),
                                            "cache": {}}},
          "edges": [{"from": S, "to": "fan"}, {"type": "send", "from": "fan", "over": "items", "node": "work", "arg": {"i": {"$item": ""}}},
                    {"from": "work", "to": E}],
          "compile": {"checkpointer": "memory", "cache": "memory"}},
         [{"call": "stream", "input": {"items": [1, 2]}, "modes": ["updates", "custom"], "config": {"thread_id": "a"}},
          {"call": "stream", "input": {"items": [2, 1, 3]}, "modes": ["updates", "custom"], "config": {"thread_id": "b"}},
          {"call": "get_state", "config": {"thread_id": "b"}}]))

add(case("x5_cache_expiry", "cache", "an entry serves the same input until its ttl passes; then the node runs again",
         {**CACHED, "nodes": {**CACHED["nodes"], "work": {**CACHED["nodes"]["work"], "cache": {"ttl": 10}}}},
         [{"call": "stream", "input": {"x": 1}, "modes": ["updates", "custom"], "config": {"thread_id": "a"}},
          {"call": "stream", "input": {"x": 1}, "modes": ["updates", "custom"], "config": {"thread_id": "b"}},
          {"call": "sleep", "ms": 10500},
          {"call": "stream", "input": {"x": 1}, "modes": ["updates", "custom"], "config": {"thread_id": "c"}}]))

add(case("x5_cache_failure_not_cached", "cache", "a failed task is not cached: the next run with the same input runs it again",
         {"state": {"x": "overwrite", "log": "append"},
          "nodes": {"work": {"ops": node(op("emit", value="ran"), op("fail", type="RuntimeError", message="boom", when={"eq": [{"$state": "x"}, 1]})),
                             "cache": {}}},
          "edges": chain("work"), "compile": {"checkpointer": "memory", "cache": "memory"}},
         [{"call": "stream", "input": {"x": 1}, "modes": ["updates", "custom"], "config": {"thread_id": "a"}},
          {"call": "stream", "input": {"x": 1}, "modes": ["updates", "custom"], "config": {"thread_id": "b"}}]))


# Malformed messages for an add_messages key. Call inputs and `set` values
# reach the reducer unchanged, so a raw dict, a list of them or a number is
# coerced (or rejected) by LangGraph itself; messages with no "id" are avoided
# because LangGraph would give them random ids.
OK_MSG = {"role": "user", "content": "fine", "id": "u1"}
BAD_MESSAGES = {"no_content": {"role": "user"},
                "in_list": [{"role": "ai", "content": "fine", "id": "a2"}, {"role": "user"}],
                "no_role": {"content": "hi", "id": "a3"},
                "wizard": {"role": "wizard", "content": "x", "id": "a4"},
                "number": 5,
                "number_list": [5]}
REPLY = {"state": {"messages": "messages", "log": "append"},
         "nodes": {"reply": node(app("log", "reply"), op("message", role="ai", content="ok", id="a1"))},
         "edges": chain("reply")}

add(case("messages_malformed_input", "messages",
         "malformed messages in the input: a dict without content, one inside a list, one without role, an unknown role, a number",
         REPLY,
         [{"call": "invoke", "input": {"messages": BAD_MESSAGES["no_content"], "log": ["in"]}},
          {"call": "invoke", "input": {"messages": [OK_MSG, {"role": "user"}], "log": ["in"]}},
          {"call": "invoke", "input": {"messages": BAD_MESSAGES["no_role"], "log": ["in"]}},
          {"call": "invoke", "input": {"messages": [BAD_MESSAGES["wizard"]], "log": ["in"]}},
          {"call": "invoke", "input": {"messages": 5, "log": ["in"]}},
          {"call": "stream", "input": {"messages": [5], "log": ["in"]}, "modes": ["values", "updates"]},
          {"call": "stream", "input": {"messages": {"role": "user"}}, "modes": "values"},
          {"call": "invoke", "input": {"messages": [OK_MSG]}}]))

add(case("messages_malformed_input_checkpointer", "messages",
         "a malformed input message with a checkpointer: the input checkpoint keeps the bad write, so get_state and a "
         "continue fail again until new input replaces it",
         {**REPLY, "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"messages": [OK_MSG]}},
          {"call": "invoke", "input": {"messages": {"role": "user"}, "log": ["in"]}},
          {"call": "get_state"},
          {"call": "get_state_history", "limit": 3},
          {"call": "invoke", "input": None},
          {"call": "invoke", "input": {"messages": [{"role": "user", "content": "again", "id": "u9"}]}},
          {"call": "get_state_history", "limit": 3},
          {"call": "invoke", "input": {"messages": [OK_MSG, {"role": "user"}]}, "config": {"thread_id": "list"}},
          {"call": "invoke", "input": {"messages": BAD_MESSAGES["wizard"]}, "config": {"thread_id": "wizard"}},
          {"call": "stream", "input": {"messages": 5}, "modes": ["values", "debug"], "config": {"thread_id": "number"}},
          {"call": "get_state", "config": {"thread_id": "number"}}]))

MALFORMED_WRITES = {
    "state": {"kind": "overwrite", "messages": "messages", "log": "append"},
    "nodes": {**{k: node(app("log", k), op("set", key="messages", value=v)) for k, v in BAD_MESSAGES.items()},
              "sibling": node(app("log", "sibling"), op("message", role="ai", content="s", id="s1")),
              "after": node(app("log", "after"))},
    "edges": [{"type": "route", "from": S,
               "rules": [{"when": {"eq": [{"$state": "kind"}, k]}, "to": [k, "sibling"]} for k in BAD_MESSAGES]},
              *[{"from": k, "to": "after"} for k in BAD_MESSAGES], {"from": "sibling", "to": "after"}, {"from": "after", "to": E}]}

add(case("messages_malformed_node_write", "messages",
         "a node writes a malformed message beside a sibling's good one: both tasks finish, applying the step raises",
         MALFORMED_WRITES,
         [{"call": "stream", "input": {"kind": k}, "modes": ["values", "updates", "debug"]} for k in BAD_MESSAGES]
         + [{"call": "invoke", "input": {"kind": "no_content"}}]))

add(case("messages_malformed_node_write_checkpointer", "messages",
         "a malformed node write with a checkpointer: the finished writes are kept, a continue replays them and fails "
         "again; new input on the thread starts over",
         {**MALFORMED_WRITES, "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {"kind": "no_content"}, "modes": ["values", "updates", "debug"]},
          {"call": "get_state"},
          {"call": "stream", "input": None, "modes": ["values", "updates"]},
          {"call": "get_state_history"},
          {"call": "invoke", "input": {"kind": "none"}},
          {"call": "invoke", "input": {"kind": "in_list"}, "config": {"thread_id": "in_list"}},
          {"call": "stream", "input": {"kind": "number"}, "modes": ["updates", "debug"], "config": {"thread_id": "number"}},
          {"call": "get_state", "config": {"thread_id": "number"}}]))

# One superstep with Send tasks and edge-triggered tasks that all interrupt.
# LangGraph prepares Send (PUSH) tasks before edge-triggered (PULL) ones, and
# the invoke result lists interrupts in the order the tasks raised them.


def asker(name):
    return node(op("interrupt", value=f"{name}?", key="r", mode="append"), app("log", name))


add(case("interrupt_send_and_edge_order", "interrupts",
         "Send tasks from a START conditional edge and two edge-triggered nodes interrupt in one step: the Send tasks' "
         "interrupts come first",
         {"state": {"items": "overwrite", "log": "append", "r": "append"},
          "nodes": {"a_edge": asker("a_edge"), "b_edge": asker("b_edge"),
                    "worker": node(op("interrupt", value={"$fmt": "w{i}?", "i": {"$arg": "i"}}),
                                   app("log", {"$fmt": "w{i}", "i": {"$arg": "i"}}))},
          "edges": [{"type": "send", "from": S, "over": "items", "node": "worker", "arg": {"i": {"$item": ""}}},
                    {"from": S, "to": "a_edge"}, {"from": S, "to": "b_edge"},
                    {"from": "worker", "to": E}, {"from": "a_edge", "to": E}, {"from": "b_edge", "to": E}]},
         [{"call": "invoke", "input": {"items": [1, 2, 3]}},
          {"call": "stream", "input": {"items": [1, 2]}, "modes": ["updates", "values"]},
          {"call": "invoke", "input": {"items": []}}]))

add(case("interrupt_send_and_edge_order_resume", "interrupts",
         "Command(goto=[Send, Send]) plus a static edge: three interrupts in one step, Send tasks first; a plain resume "
         "is refused, then answered by task in two rounds",
         {"state": {"log": "append", "r": "append"},
          "nodes": {"fan": node(app("log", "fan"), op("goto", send=[{"node": "w1", "arg": {"i": 1}}, {"node": "w2", "arg": {"i": 2}}])),
                    "a_edge": asker("a_edge"),
                    "w1": node(op("interrupt", value="w1?", key="r", mode="append"), app("log", "w1")),
                    "w2": node(op("interrupt", value="w2?", key="r", mode="append"), app("log", "w2")),
                    "done": node(app("log", {"$fmt": "done {n}", "n": {"$len": "log"}}))},
          "edges": [{"from": S, "to": "fan"}, {"from": "fan", "to": "a_edge"},
                    {"from": "a_edge", "to": "done"}, {"from": "w1", "to": E}, {"from": "w2", "to": E}, {"from": "done", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {}},
          {"call": "get_state"},
          {"call": "resume", "value": "X"},
          {"call": "resume", "resume_by_node": {"a_edge": "A"}},
          {"call": "get_state"},
          {"call": "stream", "resume_by_node": {"w2": "two", "w1": "one"}, "modes": ["updates", "values"]},
          {"call": "get_state"}]))

add(case("interrupt_send_and_edge_order_completion", "interrupts",
         "the invoke result lists interrupts in the order the tasks raised them: slow Send tasks come after the edge task",
         {"state": {"items": "overwrite", "log": "append"},
          "nodes": {"a_edge": node(op("interrupt", value="a_edge?"), app("log", "a_edge")),
                    "worker": node(op("sleep", ms=300, when={"eq": [{"$arg": "i"}, 1]}),
                                   op("sleep", ms=150, when={"eq": [{"$arg": "i"}, 2]}),
                                   op("interrupt", value={"$fmt": "w{i}?", "i": {"$arg": "i"}}),
                                   app("log", {"$fmt": "w{i}", "i": {"$arg": "i"}}))},
          "edges": [{"type": "send", "from": S, "over": "items", "node": "worker", "arg": {"i": {"$item": ""}}},
                    {"from": S, "to": "a_edge"}, {"from": "worker", "to": E}, {"from": "a_edge", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "invoke", "input": {"items": [1, 2]}}, {"call": "get_state"}]))

# Node policies on a node that is a compiled subgraph: {"subgraph": …} may carry
# "cache", "retry", "timeout" and "defer" like an {"ops": …} node.
CACHED_SUB_INNER = {"state": {"x": "overwrite", "log": "append"},
                    "nodes": {"s1": node(op("emit", value="in s1"), app("log", {"$fmt": "s1 {x}", "x": {"$state": "x"}})),
                              "s2": node(op("emit", value="in s2"), app("log", "s2"))},
                    "edges": chain("s1", "s2")}
CACHED_SUB = {"state": {"x": "overwrite", "log": "append"},
              "nodes": {"sub": {"subgraph": CACHED_SUB_INNER, "cache": {}}, "after": node(app("log", "after"))},
              "edges": chain("sub", "after"), "compile": {"checkpointer": "memory", "cache": "memory"}}
ALL_MODES = ["updates", "values", "custom", "debug"]

add(case("subgraph_cache_policy", "cache",
         "a CachePolicy on a subgraph node: the same input on another thread is a hit that replays none of the "
         "subgraph's own chunks",
         CACHED_SUB,
         [{"call": "stream", "input": {"x": 1}, "modes": ALL_MODES, "subgraphs": True, "config": {"thread_id": "a"}},
          {"call": "stream", "input": {"x": 1}, "modes": ALL_MODES, "subgraphs": True, "config": {"thread_id": "b"}},
          {"call": "get_state", "config": {"thread_id": "b"}},
          {"call": "stream", "input": {"x": 2}, "modes": ["updates", "custom"], "subgraphs": True, "config": {"thread_id": "c"}}]))

add(case("subgraph_cache_policy_no_checkpointer", "cache",
         "a cached subgraph node without a checkpointer: invoke fills the cache, the same input streams only the cached update",
         {**CACHED_SUB, "compile": {"cache": "memory"}},
         [{"call": "invoke", "input": {"x": 1}},
          {"call": "stream", "input": {"x": 1}, "modes": ["updates", "values", "custom"], "subgraphs": True},
          {"call": "stream", "input": {"x": 1}, "modes": ["updates", "custom"]},
          {"call": "stream", "input": {"x": 3}, "modes": ["updates", "custom"]}]))

add(case("subgraph_defer", "defer",
         "a subgraph node with defer=True behind branches of different lengths runs once, after the longest",
         {"state": {"log": "append"},
          "nodes": {"a": node(app("log", "a")), "b1": node(app("log", "b1")), "b2": node(app("log", "b2")),
                    "sub": {"subgraph": {"state": {"log": "append"},
                                         "nodes": {"s": node(app("log", {"$fmt": "sub saw {n}", "n": {"$len": "log"}}))},
                                         "edges": chain("s")},
                            "defer": True}},
          "edges": [{"from": S, "to": "a"}, {"from": S, "to": "b1"}, {"from": "b1", "to": "b2"},
                    {"from": "a", "to": "sub"}, {"from": "b2", "to": "sub"}, {"from": "sub", "to": E}],
          "compile": {"checkpointer": "memory"}},
         [{"call": "stream", "input": {}, "modes": ["updates", "debug"], "subgraphs": True}, {"call": "get_state"},
          {"call": "get_state_history"},
          {"call": "stream", "input": {}, "modes": ["updates", "values"], "config": {"thread_id": "2"}}]))



def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for c in CASES:
        with open(os.path.join(out, c["name"] + ".json"), "w") as f:
            json.dump(c, f, indent=1)
    print(f"{len(CASES)} scenarios written to {out}")


if __name__ == "__main__":
    main()
