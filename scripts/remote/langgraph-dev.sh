#!/usr/bin/env bash
# Installs and runs the real LangGraph reference server (`langgraph dev`,
# langgraph-api 0.16.7) on the test project in Tests/Fixtures/langgraph-dev/app
# (graphs chat, fanout, approve, nested on a fake streaming model), for the
# tests that drive Chorus against a real LangGraph server. Only `install`
# needs the network (PyPI); the server itself runs offline.
#   bash scripts/remote/langgraph-dev.sh install           # prints the venv's python
#   bash scripts/remote/langgraph-dev.sh start PORT WORKDIR # prints http://127.0.0.1:PORT
#   bash scripts/remote/langgraph-dev.sh stop WORKDIR
# The venv lives in ~/.cache/chorus-langgraph-dev/.venv (CHORUS_LANGGRAPH_DEV_VENV
# to move it). `start` passes TOKENS, DELAY_MS and FANOUT (defaults 100, 10, 3)
# to the graphs; a run can override them with config.configurable.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kit="$here/langgraph-dev"
lock="$kit/requirements.lock.txt"
venv="${CHORUS_LANGGRAPH_DEV_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/chorus-langgraph-dev/.venv}"
start_timeout="${LANGGRAPH_DEV_START_TIMEOUT:-90}"

say() { echo "langgraph-dev: $*" >&2; }
die() { echo "langgraph-dev: ERROR: $*" >&2; exit 1; }

# scripts/bench-serve.sh makes this same venv with the shared kit's setup.sh,
# which stamps it .kit-stamp; python-venv.sh knows only .chorus-stamp and
# would wipe and reinstall it. Adopt such a venv when it holds exactly the
# pinned versions, by writing the stamp python-venv.sh expects.
adopt_kit_venv() {
  [ -x "$venv/bin/python" ] && [ ! -f "$venv/.chorus-stamp" ] || return 0
  "$venv/bin/python" - "$lock" <<'PY' 2>/dev/null || return 0
import importlib.metadata as m, sys
import langgraph_api, langgraph_sdk  # noqa: F401
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if line:
        name, version = line.split("==")
        if m.version(name) != version:
            sys.exit(1)
PY
  say "adopting the existing venv $venv (every pinned version is installed)"
  echo "$(sha256sum <"$lock" | cut -c1-16) $("${PYTHON:-python3}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
    >"$venv/.chorus-stamp"
}

cmd_install() {
  adopt_kit_venv
  bash "$here/../python-venv.sh" "$venv" "$lock" "import langgraph_api, langgraph_sdk" "langgraph dev (langgraph-cli[inmem])"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# leader_alive WORKDIR -> prints the pid in WORKDIR/server.pid if that process
# is alive and still our `langgraph dev` (not a recycled pid)
leader_alive() {
  local pid
  pid="$(cat "$1/server.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "langgraph dev" || return 1
  echo "$pid"
}

cmd_start() {
  local port="${1:?usage: $0 start PORT WORKDIR}" workdir="${2:?usage: $0 start PORT WORKDIR}"
  [ -x "$venv/bin/langgraph" ] || die "no $venv/bin/langgraph: run '$0 install' first"
  command -v curl >/dev/null || die "curl is needed to poll /ok"
  mkdir -p "$workdir"
  workdir="$(cd "$workdir" && pwd)"
  local pid
  if pid="$(leader_alive "$workdir")"; then die "already running in $workdir (pid $pid)"; fi
  # langgraph dev would silently move to a random port instead
  port_busy "$port" && die "port $port is already in use"
  # A writable copy: langgraph dev pickles its "in-memory" state into
  # .langgraph_api in its working directory; a fresh copy starts empty.
  rm -rf "$workdir/app"
  cp -R "$here/../../Tests/Fixtures/langgraph-dev/app" "$workdir/app"
  chmod -R u+w "$workdir/app"
  export LANGGRAPH_CLI_NO_ANALYTICS=1 LANGGRAPH_NO_VERSION_CHECK=true LANGSMITH_TRACING=false LANGCHAIN_TRACING_V2=false
  export TOKENS="${TOKENS:-100}" DELAY_MS="${DELAY_MS:-10}" FANOUT="${FANOUT:-3}" PYTHONUNBUFFERED=1
  local log="$workdir/server.log" t0=$EPOCHREALTIME
  # setsid: its own process group, so `stop` kills the whole tree. The venv's
  # python runs the console script itself because an adopted venv may have
  # been copied from elsewhere, leaving its scripts' #! lines pointing there.
  # The environment is inherited as is (CHORUS_PROCESS_MARKER included).
  (cd "$workdir/app" && exec setsid "$venv/bin/python" "$venv/bin/langgraph" dev --host 127.0.0.1 --port "$port" \
    --no-browser --no-reload --n-jobs-per-worker 1000 </dev/null >"$log" 2>&1) &
  pid=$!
  echo "$pid" >"$workdir/server.pid"
  local url="http://127.0.0.1:$port"
  while ! curl -sf --max-time 2 "$url/ok" >/dev/null 2>&1; do
    # it is our child until we exit: a crash leaves a zombie, which kill -0 still finds
    if ! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ]; then
      rm -f "$workdir/server.pid"
      die "langgraph dev exited during startup; last lines of $log:
$(tail -n 15 "$log")"
    fi
    if grep -q "is already in use, using port" "$log" 2>/dev/null; then
      cmd_stop "$workdir" >/dev/null 2>&1 || true
      die "port $port was taken during startup and langgraph dev moved elsewhere"
    fi
    if (( ${EPOCHSECONDS} - ${t0%.*} >= start_timeout )); then
      cmd_stop "$workdir" >/dev/null 2>&1 || true
      die "no answer on $url/ok within $start_timeout s; last lines of $log:
$(tail -n 15 "$log")"
    fi
    sleep 0.1
  done
  say "pid $pid ready on $url in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s (TOKENS=$TOKENS DELAY_MS=$DELAY_MS FANOUT=$FANOUT, log $log)"
  echo "$url"
}

cmd_stop() {
  local workdir="${1:?usage: $0 stop WORKDIR}" pid
  pid="$(cat "$workdir/server.pid" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || { rm -f "$workdir/server.pid"; say "not running (no pid file)"; return 0; }
  # The leader may be gone while its children live on; their group keeps its
  # id (no new process can take it meanwhile), so the group is still ours.
  # A zombie leader has an empty command line; a live stranger (recycled pid)
  # is left alone.
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  if [ -n "$cmd" ] && [[ "$cmd" != *"langgraph dev"* ]]; then
    rm -f "$workdir/server.pid"; die "pid $pid is not our langgraph dev ($cmd); left alone"
  fi
  if kill -TERM -- "-$pid" 2>/dev/null; then
    for _ in $(seq 1 30); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 -- "-$pid" 2>/dev/null; then
      say "process group $pid still alive after 3 s, SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$workdir/server.pid"
  say "stopped (process group $pid)"
}

case "${1:-}" in
  install) cmd_install ;;
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  *) echo "usage: $0 install | start PORT WORKDIR | stop WORKDIR" >&2; exit 2 ;;
esac
