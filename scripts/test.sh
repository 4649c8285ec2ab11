#!/usr/bin/env bash
# The project's whole test command (README's second command; CI runs it).
# Installs what the system lacks, starts a real llama.cpp server and a LiteLLM
# fault-injecting proxy on loopback for the provider tests
# (scripts/llm-servers; ~10 min the first time on a machine, then cached),
# builds every target once, with ThreadSanitizer, and runs the suite (tests
# that run `chorus` use that build's executables), then drives that build's
# `chorus serve` with the real langgraph-sdk (scripts/serve); the MCP tool
# tests use real MCP servers from PyPI (scripts/mcp). Every process
# the suite starts carries a marker in its environment; none may be left
# running afterwards. A throwaway PostgreSQL cluster (scripts/pg, Debian's
# packages) serves the PostgreSQL store and scale-out tests.
# CHORUS_SKIP_REAL_PEER=1 skips the model servers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
LLM="scripts/llm-servers/llm-servers.sh"
cleanup=()
trap 'for step in "${cleanup[@]}"; do eval "$step" || true; done' EXIT
# PostgreSQL: a new cluster in a temporary folder, loopback only, removed at the end.
pgdir="$(mktemp -d -t chorus-pg.XXXXXX)"
if url="$(bash scripts/pg/pg.sh start "$pgdir")"; then
  export CHORUS_TEST_POSTGRES_URL="$url"
  cleanup+=("bash scripts/pg/pg.sh stop '$pgdir' >&2; rm -rf '$pgdir'")
else
  echo "test.sh: WARNING: PostgreSQL could not be installed or started; the PostgreSQL tests will be skipped" >&2
fi
if [ "${CHORUS_SKIP_REAL_PEER:-0}" != 1 ]; then
  if bash "$LLM" install --with-litellm >&2 && bash "$LLM" start >&2; then
    cleanup+=('bash "$LLM" stop-litellm >&2' 'bash "$LLM" stop >&2')
    bash "$LLM" start-litellm >&2 || echo "test.sh: WARNING: the LiteLLM proxy did not start; its fault tests will be skipped" >&2
    eval "$(bash "$LLM" env)"
  else
    echo "test.sh: WARNING: llama-server could not be installed or started; real-peer tests will be skipped" >&2
  fi
fi
# Real MCP servers for the tool tests (a cached venv from PyPI).
if mcp_python="$(bash scripts/mcp/mcp-venv.sh)"; then
  export CHORUS_MCP_PYTHON="$mcp_python"
else
  echo "test.sh: WARNING: the MCP servers could not be installed; the tool tests will be skipped" >&2
fi
# The real LangGraph reference server (`langgraph dev`) for the remote-client tests (a cached venv from PyPI).
if bash scripts/remote/langgraph-dev.sh install >/dev/null; then
  export CHORUS_LANGGRAPH_DEV=1
else
  echo "test.sh: WARNING: langgraph dev could not be installed; the remote-client tests against it will be skipped" >&2
fi
# Swift Testing starts every test case at once unless told otherwise: over
# 1,000 cases on 2 cores under ThreadSanitizer starve the cooperative thread
# pool, and the deadlines meant for a server (PostgreSQL's 10 s connect
# check, an MCP server's 20 s start) then time that queue instead. So at most
# a few cases per core run at once (CHORUS_TEST_WIDTH overrides it).
cores="$(nproc 2>/dev/null || echo 2)"
width="${CHORUS_TEST_WIDTH:-$(( cores * 6 ))}"
marker="chorus-test-$$-$(date +%s)"
log="$(mktemp -t chorus-test.XXXXXX.log)"
status=0
# The tests that drive real MCP servers start a dozen Python processes, and the
# remote-client tests real LangGraph servers; they run on their own after the
# main suite so that their load does not skew its timing-sensitive tests
# (stalls, idle limits, token pacing).
tools='ChorusToolsTests|ToolCommandTests|ToolEndToEndTests|RemoteEndToEndTests'
CHORUS_PROCESS_MARKER="$marker" SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="$width" \
  swift test --sanitize=thread --scratch-path .build-tsan --skip "$tools" 2>&1 | tee "$log" || status=$?
# Each of these starts Python servers: two tests per core at once.
CHORUS_PROCESS_MARKER="$marker" SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="$(( cores * 2 ))" \
  swift test --sanitize=thread --scratch-path .build-tsan --skip-build --filter "$tools" 2>&1 | tee -a "$log" || status=1
# `chorus serve` driven by the real langgraph-sdk client (installed into a cached venv).
CHORUS_PROCESS_MARKER="$marker" CHORUS_BIN=.build-tsan/debug/chorus bash scripts/serve/sdk-tests.sh 2>&1 | tee -a "$log" || status=1
bash scripts/leftover-processes.sh "$marker" || status=1
skips="$(grep -E '(Suite|Test) .* skipped' "$log" | sed -E 's/^[^A-Za-z]*//' | sort -u || true)"
if [ -n "$skips" ]; then
  echo "test.sh: WARNING: $(printf '%s\n' "$skips" | wc -l) suites or tests were skipped:" >&2
  printf '  %s\n' "$skips" >&2
fi
exit "$status"
