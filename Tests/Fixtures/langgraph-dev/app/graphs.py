# Copy of the shared serve kit's reference project (shared/serve/langgraph-dev/app), served by scripts/remote/langgraph-dev.sh start.
"""Reference LangGraph project that `langgraph dev` serves in this kit (see ../start.sh).

Four graphs, all offline, driven by a fake chat model that streams "tok0 tok1 ...":
  chat     MessagesState, one node `agent` that streams the model's reply
  fanout   Send() to FANOUT `worker` nodes that stream in parallel, then `join`
  approve  one node `ask` that calls interrupt(); resume with Command(resume=...)
  nested   `chat` as the subgraph node `inner`, then a node `post`

Env defaults: TOKENS (default 100), DELAY_MS (default 10), FANOUT (default 3).
Per-run overrides via config.configurable: tokens, delay_ms, fanout.
"""
import asyncio
import operator
import os
from typing import Annotated, Any, AsyncIterator, Iterator, List, Optional

from langchain_core.callbacks import (
    AsyncCallbackManagerForLLMRun,
    CallbackManagerForLLMRun,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import RunnableConfig
from langgraph.config import get_stream_writer
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.types import Send, interrupt
from typing_extensions import TypedDict


def _cfg(config: Optional[RunnableConfig], key: str, env: str, default: int) -> int:
    conf = (config or {}).get("configurable", {}) or {}
    if key in conf and conf[key] is not None:
        return int(conf[key])
    return int(os.environ.get(env, default))


class FakeStreamingChat(BaseChatModel):
    """Streams `tokens` tokens with `delay_ms` ms between them."""

    tokens: int = 100
    delay_ms: int = 10
    prefix: str = "tok"

    @property
    def _llm_type(self) -> str:
        return "fake-streaming-chat"

    def _text(self, i: int) -> str:
        return f"{self.prefix}{i} "

    def _generate(self, messages: List[BaseMessage], stop=None, run_manager: Optional[CallbackManagerForLLMRun] = None, **kw: Any) -> ChatResult:
        text = "".join(self._text(i) for i in range(self.tokens))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages, stop=None, run_manager=None, **kw) -> Iterator[ChatGenerationChunk]:
        raise NotImplementedError("use async")

    async def _astream(self, messages: List[BaseMessage], stop=None, run_manager: Optional[AsyncCallbackManagerForLLMRun] = None, **kw: Any) -> AsyncIterator[ChatGenerationChunk]:
        for i in range(self.tokens):
            if i and self.delay_ms:
                await asyncio.sleep(self.delay_ms / 1000.0)
            tok = self._text(i)
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=tok))
            if run_manager:
                await run_manager.on_llm_new_token(tok, chunk=chunk)
            yield chunk


def _model(config: RunnableConfig, prefix: str = "tok") -> FakeStreamingChat:
    return FakeStreamingChat(
        tokens=_cfg(config, "tokens", "TOKENS", 100),
        delay_ms=_cfg(config, "delay_ms", "DELAY_MS", 10),
        prefix=prefix,
    )


# ---------------------------------------------------------------- (a) chat
async def agent(state: MessagesState, config: RunnableConfig):
    writer = get_stream_writer()
    writer({"progress": "model-start"})
    msg = await _model(config).ainvoke(state["messages"], config)
    writer({"progress": "model-done"})
    return {"messages": [msg]}


_chat = StateGraph(MessagesState)
_chat.add_node("agent", agent)
_chat.add_edge(START, "agent")
_chat.add_edge("agent", END)
chat = _chat.compile()


# ---------------------------------------------------------------- (b) fanout
class FanState(MessagesState):
    results: Annotated[list, operator.add]


class WorkerState(TypedDict):
    idx: int
    messages: list


def fan_out(state: FanState, config: RunnableConfig):
    n = _cfg(config, "fanout", "FANOUT", 3)
    return [Send("worker", {"idx": i, "messages": state["messages"]}) for i in range(n)]


async def worker(state: WorkerState, config: RunnableConfig):
    msg = await _model(config, prefix=f"w{state['idx']}-").ainvoke(state["messages"], config)
    return {"results": [f"worker {state['idx']}: {len(msg.content)} chars"]}


async def join(state: FanState):
    return {"messages": [AIMessage(content="; ".join(sorted(state["results"])))]}


_fan = StateGraph(FanState)
_fan.add_node("worker", worker)
_fan.add_node("join", join)
_fan.add_conditional_edges(START, fan_out, ["worker"])
_fan.add_edge("worker", "join")
_fan.add_edge("join", END)
fanout = _fan.compile()


# ---------------------------------------------------------------- (c) interrupt / human-in-the-loop
async def ask(state: MessagesState):
    answer = interrupt({"question": "approve?", "last": state["messages"][-1].content})
    return {"messages": [AIMessage(content=f"you said: {answer}")]}


_hitl = StateGraph(MessagesState)
_hitl.add_node("ask", ask)
_hitl.add_edge(START, "ask")
_hitl.add_edge("ask", END)
approve = _hitl.compile()


# ---------------------------------------------------------------- (d) nested subgraph (for stream_subgraphs)
async def post(state: MessagesState):
    return {"messages": [AIMessage(content="post-processed")]}


_nest = StateGraph(MessagesState)
_nest.add_node("inner", chat)
_nest.add_node("post", post)
_nest.add_edge(START, "inner")
_nest.add_edge("inner", "post")
_nest.add_edge("post", END)
nested = _nest.compile()
