#!/usr/bin/env bash
# Tool-call benchmark (issue 16) on real MCP servers: installs them (the
# tests' cached venv, scripts/mcp/mcp-venv.sh), then runs `chorus-bench tools`
# (-c release): client-side cost per call over a bare stdio round trip, and
# 100 parallel calls across 4 servers under maxConcurrency 8.
#   bash scripts/bench-tools.sh [--quick]
source "$(dirname "$0")/bench-common.sh"
CHORUS_MCP_PYTHON="$(bash scripts/mcp/mcp-venv.sh)"
export CHORUS_MCP_PYTHON
bench_build chorus-bench
bench_marker
"$BENCH_BIN/chorus-bench" tools "$@"
bench_leftovers
