#!/usr/bin/env bash
# The app on a LangGraph server (issue 14), release build: installs the real
# `langgraph dev` (the tests' cached venv, scripts/remote/langgraph-dev.sh),
# then runs `chorus-bench remote-startup remote-fanout` against it and against
# `chorus serve`: cold start to the first frame with 1,000 threads on the
# server, and key to screen and CPU while 8 remote branches stream at 100
# tokens/s each.
#   bash scripts/bench-remote.sh [--quick]
source "$(dirname "$0")/bench-common.sh"
if bash scripts/remote/langgraph-dev.sh install >/dev/null; then
  export CHORUS_LANGGRAPH_DEV=1
else
  echo "bench-remote.sh: WARNING: langgraph dev could not be installed; measuring against chorus serve only" >&2
fi
bench_build chorus-bench chorus
bench_marker
"$BENCH_BIN/chorus-bench" remote-startup remote-fanout "$@"
bench_leftovers
