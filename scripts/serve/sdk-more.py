#!/usr/bin/env python3
"""What sdk-check.py does not cover, through the real langgraph-sdk client, against `chorus serve`.

Every stream mode and a list of modes, resumable streams joined with Last-Event-ID, background runs
with join and join_stream, runs.wait (stateful and stateless), runs.list, multitask strategies,
interrupt/resume and per-run breakpoints, update_state, history and time travel, assistants and
thread search/delete. One PASS/FAIL line per check, then `N passed, M failed`; exit 1 on a failure.

usage: python sdk-more.py --url http://127.0.0.1:PORT
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import uuid

from langgraph_sdk import get_client
from langgraph_sdk.errors import APIStatusError, ConflictError
from langgraph_sdk.schema import Command


def need(cond, msg):
    if not cond:
        raise AssertionError(msg)


def user(text):
    return {"messages": [{"role": "user", "content": text}]}


def types(values):
    return [m.get("type") for m in (values or {}).get("messages", [])]


async def collect(gen):
    return [part async for part in gen]


async def main_async(url: str) -> int:
    client = get_client(url=url, api_key=None)
    nonce = uuid.uuid4().hex[:10]
    results = {"pass": 0, "fail": 0}

    async def check(name, fn):
        try:
            detail = await asyncio.wait_for(fn(), 60)
            results["pass"] += 1
            print(f"PASS  {name}" + (f": {detail}" if detail else ""), flush=True)
        except Exception as e:  # noqa: BLE001
            results["fail"] += 1
            print(f"FAIL  {name}: {type(e).__name__}: {str(e)[:300]}", flush=True)

    async def thread():
        return (await client.threads.create(metadata={"sdk_more": nonce}))["thread_id"]

    async def every_mode():
        tid = await thread()
        modes = ["values", "updates", "messages", "messages-tuple", "custom", "debug", "tasks", "checkpoints"]
        parts = await collect(client.runs.stream(tid, "research", input={"question": "why is the sky blue"}, stream_mode=modes))
        names = {p.event for p in parts}
        for want in ["metadata", "values", "updates", "messages", "messages/metadata", "messages/partial", "custom", "debug",
                     "tasks", "checkpoints"]:
            need(want in names, f"no '{want}' event; got {sorted(names)}")
        need(parts[0].event == "metadata", "first event is not metadata")
        plan = [p.data for p in parts if p.event == "custom" and isinstance(p.data, dict) and "plan" in p.data]
        need(plan and len(plan[0]["plan"]) == 3, f"no plan of 3 in custom events: {plan}")
        final = [p.data for p in parts if p.event == "values"][-1]
        need(final.get("answer") and len(final.get("findings", [])) == 3, "final values without an answer and 3 findings")
        return f"{len(parts)} events, {len(names)} kinds"

    async def resumable_join():
        tid = await thread()
        first = await collect(client.runs.stream(tid, "chat", input=user("resumable"), stream_mode="messages-tuple", stream_resumable=True))
        rid = first[0].data["run_id"]
        again = await collect(client.runs.join_stream(tid, rid, last_event_id="-1"))
        need([(p.event, p.data) for p in again] == [(p.event, p.data) for p in first],
             f"replay differs: {len(again)} events vs {len(first)}")
        return f"{len(first)} events replayed"

    async def background_join():
        tid = await thread()
        run = await client.runs.create(tid, "chat", input=user("background"))
        need(run["status"] in ("pending", "running", "success"), f"status {run['status']}")
        values = await client.runs.join(tid, run["run_id"])
        need(types(values) == ["human", "ai"], f"join gave {types(values)}")
        listed = await client.runs.list(tid)
        need([r["run_id"] for r in listed] == [run["run_id"]], "runs.list does not list the run")
        need((await client.runs.get(tid, run["run_id"]))["status"] == "success", "run not success")
        return "create -> join -> list -> get"

    async def wait_both():
        tid = await thread()
        values = await client.runs.wait(tid, "chat", input=user("wait"))
        need(types(values) == ["human", "ai"], f"stateful wait gave {types(values)}")
        values = await client.runs.wait(None, "chat", input=user("stateless wait"))
        need(types(values) == ["human", "ai"], f"stateless wait gave {types(values)}")
        return "stateful and stateless"

    async def multitask():
        tid = await thread()
        long = {"configurable": {}}
        first = await client.runs.create(tid, "chat", input=user("first"), config=long)
        try:
            await client.runs.create(tid, "chat", input=user("rejected"), multitask_strategy="reject")
            raise AssertionError("reject did not refuse a second run")
        except ConflictError:
            pass
        except APIStatusError as e:
            need(e.response.status_code == 409, f"reject -> HTTP {e.response.status_code}")
        second = await client.runs.create(tid, "chat", input=user("second"), multitask_strategy="enqueue")
        await client.runs.join(tid, second["run_id"])
        statuses = [(await client.runs.get(tid, r["run_id"]))["status"] for r in (first, second)]
        need(statuses == ["success", "success"], f"enqueue statuses {statuses}")
        values = (await client.threads.get_state(tid))["values"]
        need(types(values) == ["human", "ai", "human", "ai"], f"messages {types(values)}")
        return "reject -> 409, enqueue runs both in order"

    async def approve():
        tid = await thread()
        parts = await collect(client.runs.stream(tid, "approve", input=user("ship it?"), stream_mode="updates"))
        intr = [p.data["__interrupt__"] for p in parts if isinstance(p.data, dict) and "__interrupt__" in p.data]
        need(intr and intr[0][0]["value"]["question"] == "approve?", f"no interrupt: {[p.event for p in parts]}")
        need((await client.threads.get(tid))["status"] == "interrupted", "thread not interrupted")
        values = await client.runs.wait(tid, "approve", command=Command(resume="Edited by a person."))
        need(values["messages"][-1]["content"] == "Edited by a person.", f"resume with an edit gave {values['messages'][-1]}")
        return "interrupt, resume with an edited reply"

    async def approve_by_id():
        tid = await thread()
        await client.runs.wait(tid, "approve", input=user("ship it?"))
        pending = (await client.threads.get_state(tid))["tasks"][0]["interrupts"]
        need(len(pending) == 1 and pending[0]["id"], f"pending interrupts {pending}")
        values = await client.runs.wait(tid, "approve", command=Command(resume={pending[0]["id"]: "Answered by id."}))
        need(values["messages"][-1]["content"] == "Answered by id.", f"resume by id gave {values['messages'][-1]}")
        return f"Command(resume={{{pending[0]['id']}: …}})"

    async def breakpoint_():
        tid = await thread()
        await client.runs.wait(tid, "chat", input=user("pause"), interrupt_before=["model"])
        state = await client.threads.get_state(tid)
        need(state["next"] == ["model"], f"next {state['next']}")
        values = await client.runs.wait(tid, "chat", input=None)
        need(types(values) == ["human", "ai"], f"continued to {types(values)}")
        return "interrupt_before=['model'], then continue"

    async def state_history():
        tid = await thread()
        await client.runs.wait(tid, "chat", input=user("one"))
        before = (await client.threads.get_state(tid))["checkpoint_id"]
        updated = await client.threads.update_state(tid, {"messages": [{"role": "user", "content": "by hand"}]}, as_node="model")
        need(updated["checkpoint_id"] != before, "update_state made no checkpoint")
        history = await client.threads.get_history(tid, limit=3)
        need(history[0]["checkpoint_id"] == updated["checkpoint_id"] and history[1]["checkpoint_id"] == before,
             "history is not newest first")
        past = await client.threads.get_state(tid, checkpoint_id=before)
        need(types(past["values"]) == ["human", "ai"], f"time travel read {types(past['values'])}")
        forked = await client.runs.wait(tid, "chat", input=user("from the past"), checkpoint_id=before)
        need(types(forked) == ["human", "ai", "human", "ai"], f"run from a past checkpoint gave {types(forked)}")
        return "update_state, history, get_state(checkpoint_id), run from a checkpoint"

    async def assistants_and_threads():
        found = await client.assistants.search()
        need({a["graph_id"] for a in found} == {"chat", "research", "approve"}, f"assistants {found}")
        chat = next(a for a in found if a["graph_id"] == "chat")
        need((await client.assistants.get(chat["assistant_id"]))["graph_id"] == "chat", "assistants.get")
        graph = await client.assistants.get_graph("chat")
        need({"source": "__start__", "target": "model"} in graph["edges"], f"graph {graph}")
        schemas = await client.assistants.get_schemas(chat["assistant_id"])
        need("messages" in schemas["state_schema"]["properties"], "schemas")
        tid = await thread()
        need(any(t["thread_id"] == tid for t in await client.threads.search(metadata={"sdk_more": nonce}, limit=50)), "search")
        await client.threads.delete(tid)
        try:
            await client.threads.get(tid)
            raise AssertionError("deleted thread still found")
        except APIStatusError as e:
            need(e.response.status_code == 404, f"deleted thread -> {e.response.status_code}")
        return "search, get, graph, schemas; thread search and delete"

    async def thread_stream():
        tid = await thread()
        seen = []

        async def listen():
            async for part in await client.threads.join_stream(tid):
                seen.append(part)
                if part.event == "metadata" and isinstance(part.data, dict) and part.data.get("status") == "run_done":
                    return

        listener = asyncio.create_task(listen())
        await asyncio.sleep(0.3)
        run = await client.runs.create(tid, "chat", input=user("watched"), stream_mode="messages-tuple")
        await asyncio.wait_for(listener, 20)
        names = [p.event for p in seen]
        need("messages" in names, f"no messages event on the thread stream: {names[:10]}")
        need(seen[-1].data.get("run_id") == run["run_id"], f"run_done names {seen[-1].data}, not the run")
        return f"{len(seen)} events, then run_done"

    await check("every stream mode at once (research graph)", every_mode)
    await check("resumable stream replayed by join_stream(last_event_id='-1')", resumable_join)
    await check("background run: create, join, list, get", background_join)
    await check("runs.wait on a thread and stateless", wait_both)
    await check("multitask reject and enqueue", multitask)
    await check("approve: interrupt, resume with an edit", approve)
    await check("approve: resume by interrupt id", approve_by_id)
    await check("per-run interrupt_before, then continue", breakpoint_)
    await check("update_state, history, time travel", state_history)
    await check("assistants and threads", assistants_and_threads)
    await check("threads.join_stream follows a run started later", thread_stream)
    print(f"{results['pass']} passed, {results['fail']} failed", flush=True)
    return 0 if results["fail"] == 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    sys.exit(asyncio.run(main_async(ap.parse_args().url)))


if __name__ == "__main__":
    main()
