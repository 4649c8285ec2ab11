#!/usr/bin/env bash
# Tool-call benchmark (issue 16) on real MCP servers: installs them (the
# tests' cached venv, scripts/mcp/mcp-venv.sh), then runs `chorus-bench tools`
# (-c release): client-side cost per call over a bare stdio round trip, and
# 100 parallel calls across 4 servers under maxConcurrency 8.
#   bash scripts/bench-tools.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
CHORUS_MCP_PYTHON="$(bash scripts/mcp/mcp-venv.sh)"
export CHORUS_MCP_PYTHON
swift build -c release --product chorus-bench >&2
marker="chorus-bench-$$-$(date +%s)"
CHORUS_PROCESS_MARKER="$marker" .build/release/chorus-bench tools "$@"
bash scripts/leftover-processes.sh "$marker"
