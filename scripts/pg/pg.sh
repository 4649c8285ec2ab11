#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and benchmarks (PostgreSQL checkpointer).
#
#   bash scripts/pg/pg.sh install           # install Debian's "postgresql" if initdb/pg_ctl/postgres are missing
#   bash scripts/pg/pg.sh start DIR [PORT]  # new cluster in DIR (or restart the one there); prints its URL
#   bash scripts/pg/pg.sh stop DIR          # fast shutdown; does nothing if it is not running
#   bash scripts/pg/pg.sh url DIR           # postgres://postgres@127.0.0.1:PORT/chorus
#   bash scripts/pg/pg.sh status DIR        # exit 0 and the URL if running, else exit 3
#
# Example:
#   dir="$(mktemp -d)"; url="$(bash scripts/pg/pg.sh start "$dir")"
#   psql "$url" -c 'select version()'
#   bash scripts/pg/pg.sh stop "$dir"; rm -rf "$dir"
#
# Layout of DIR: data/ (the cluster), sock/ (its Unix socket), log (server log),
# url (the URL that start prints). The server listens on 127.0.0.1 only, with trust
# authentication for every local connection, superuser role "postgres", database
# "chorus", max_connections = 200; everything else (fsync, synchronous_commit, ...)
# keeps PostgreSQL's defaults. Without PORT a free port is picked.
# PostgreSQL refuses to run as root: when called as root, the server runs as the OS
# user $PG_OS_USER (default: "postgres" if that user exists, else "nobody"), which is
# made the owner of DIR. Binaries: initdb/pg_ctl/postgres from PATH, else the newest
# /usr/lib/postgresql/*/bin; `start` installs them (as `install` does) when missing.
set -euo pipefail

ROLE=postgres   # superuser role created by initdb
DB=chorus
HOST=127.0.0.1
# these would change what libpq clients connect to; everything here is explicit
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGOPTIONS PGSERVICE PGDATA

say() { echo "pg.sh: $*" >&2; }
die() { echo "pg.sh: error: $*" >&2; exit 1; }
usage() {
  echo "usage:" >&2
  sed -n '4,8s/^#   //p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

is_root() { [ "$(id -u)" = 0 ]; }

# bin_dir: prints the directory holding initdb, pg_ctl and postgres, or fails
bin_dir() {
  local p d
  if p="$(command -v pg_ctl 2>/dev/null)"; then
    d="$(dirname "$(readlink -f "$p")")"
    if [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
  done
  return 1
}

cmd_install() {
  bin_dir >/dev/null && return 0
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null || die "PostgreSQL is not installed and installing it needs root: apt-get install postgresql"
    sudo=(sudo)
  fi
  command -v apt-get >/dev/null || die "PostgreSQL (initdb, pg_ctl, postgres) not found and there is no apt-get to install it"
  local install=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql)
  say "PostgreSQL not found; installing the Debian package postgresql"
  if ! "${install[@]}" >&2; then
    say "apt-get install failed; running apt-get update and trying again"
    "${sudo[@]}" apt-get update -q >&2 || die "apt-get update failed"
    "${install[@]}" >&2 || die "apt-get install postgresql failed"
  fi
  bin_dir >/dev/null || die "package postgresql installed, but initdb/pg_ctl/postgres are still not found"
  say "installed: $("$(bin_dir)/postgres" --version)"
}

# need_bin: sets BIN (installing PostgreSQL if needed) and PSQL
need_bin() {
  cmd_install
  BIN="$(bin_dir)"
  if [ -x "$BIN/psql" ]; then PSQL="$BIN/psql"
  else PSQL="$(command -v psql)" || die "psql not found (expected in $BIN or on PATH)"
  fi
}

# set_dir DIR: absolute paths of the cluster's files
set_dir() {
  [ -n "${1:-}" ] || usage
  DIR="$(readlink -m -- "$1")"
  DATA="$DIR/data" SOCK="$DIR/sock" LOG="$DIR/log" URLFILE="$DIR/url"
}

# server_user: the OS user that runs (or will run) the server
server_user() {
  if [ -d "$DATA" ]; then stat -c %U "$DATA"; return 0; fi
  if ! is_root; then id -un; return 0; fi
  if [ -n "${PG_OS_USER:-}" ]; then echo "$PG_OS_USER"
  elif getent passwd postgres >/dev/null; then echo postgres
  else echo nobody
  fi
}

# as_server CMD...: run CMD as the server's OS user, from DIR, without our lock fd
as_server() {
  if is_root; then
    command -v runuser >/dev/null || die "runuser (util-linux) is needed to run PostgreSQL as $SERVER_USER"
    (cd "$DIR" && exec runuser -u "$SERVER_USER" -- "$@" 9>&-)
  else
    (cd "$DIR" && exec "$@" 9>&-)
  fi
}

# running: prints the postmaster's pid if the server of DIR is up
running() {
  local pid
  pid="$(head -n1 "$DATA/postmaster.pid" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && [ -d "/proc/$pid" ] || return 1
  # a stale postmaster.pid whose pid now belongs to another process does not count
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DATA" || return 1
  echo "$pid"
}

# running_port: the port the running server listens on (line 4 of postmaster.pid)
running_port() { sed -n 4p "$DATA/postmaster.pid" 2>/dev/null; }

lock_dir() {
  exec 9>>"$DIR/.pg.sh.lock"
  command -v flock >/dev/null && { flock -w 120 9 || die "timed out waiting for another pg.sh on $DIR"; }
  return 0
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

free_port() {
  local i p
  for i in $(seq 1 200); do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM + $$) % 40000 ))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  die "could not find a free TCP port on $HOST"
}

url_for() { echo "postgres://$ROLE@$HOST:$1/$DB"; }

init_cluster() {
  say "initdb ($("$BIN/postgres" --version)) in $DATA as OS user $SERVER_USER"
  mkdir -m 700 "$DATA"
  is_root && chown "$SERVER_USER:" "$DATA"
  as_server "$BIN/initdb" -D "$DATA" -U "$ROLE" --auth=trust -E UTF8 --no-locale --no-sync \
    >"$DIR/initdb.log" 2>&1 || { cat "$DIR/initdb.log" >&2; rm -rf "$DATA"; die "initdb failed"; }
  # only loopback: Unix socket (in DIR/sock) and 127.0.0.1, both trusted
  cat >"$DATA/pg_hba.conf" <<'EOF'
# pg.sh: throwaway cluster, trust on the Unix socket and on 127.0.0.1 only
local   all             all                                     trust
host    all             all             127.0.0.1/32            trust
local   replication     all                                     trust
host    replication     all             127.0.0.1/32            trust
EOF
  printf "\n# pg.sh: its settings (port, sockets, connections)\ninclude_if_exists = 'pg_sh.conf'\n" >>"$DATA/postgresql.conf"
  is_root && chown "$SERVER_USER:" "$DATA/pg_hba.conf"
  return 0
}

write_settings() { # PORT
  cat >"$DATA/pg_sh.conf" <<EOF
# written by pg.sh at every start
listen_addresses = '$HOST'
port = $1
unix_socket_directories = '$SOCK'
max_connections = 200
EOF
  is_root && chown "$SERVER_USER:" "$DATA/pg_sh.conf"
  return 0
}

cmd_start() {
  set_dir "${1:-}"
  local want_port="${2:-}"
  if [ -n "$want_port" ]; then
    [[ "$want_port" =~ ^[0-9]+$ ]] && [ "$want_port" -ge 1 ] && [ "$want_port" -le 65535 ] \
      || die "PORT must be a number in 1..65535, not '$want_port'"
  fi
  need_bin
  mkdir -p "$DIR" || die "cannot create $DIR"
  lock_dir
  SERVER_USER="$(server_user)"
  local pid port
  if pid="$(running)"; then
    port="$(running_port)"
    [ -z "$want_port" ] || [ "$want_port" = "$port" ] \
      || die "the cluster in $DIR is already running on port $port (stop it first to change the port)"
    say "already running (pid $pid)"
    url_for "$port" | tee "$URLFILE"
    return 0
  fi
  if [ -e "$DATA" ] && [ ! -f "$DATA/PG_VERSION" ]; then
    die "$DATA exists but is not a PostgreSQL cluster (remove it or use another DIR)"
  fi
  local sockpath="$SOCK/.s.PGSQL.65535"
  [ ${#sockpath} -le 107 ] || die "DIR is too long for a Unix socket path ($sockpath: ${#sockpath} > 107 bytes); use a shorter DIR"
  getent passwd "$SERVER_USER" >/dev/null || die "OS user $SERVER_USER does not exist (set PG_OS_USER)"
  if [ -n "$want_port" ] && port_in_use "$want_port"; then
    die "port $want_port on $HOST is already in use"
  fi
  mkdir -p "$SOCK"
  touch "$LOG"
  if is_root; then
    chown "$SERVER_USER:" "$DIR" "$SOCK" "$LOG"
    # the server's user must be able to reach DIR through all its parent directories
    runuser -u "$SERVER_USER" -- test -w "$DIR" -a -x "$DIR" \
      || die "OS user $SERVER_USER cannot reach $DIR (a parent directory is not searchable by it); use a DIR under /tmp"
  fi
  [ -f "$DATA/PG_VERSION" ] || init_cluster

  # start; with an automatic port, retry on another one if it was taken meanwhile
  local attempt offset
  for attempt in 1 2 3 4 5; do
    port="${want_port:-$(free_port)}"
    write_settings "$port"
    offset="$(stat -c %s "$LOG")"
    say "starting on $HOST:$port (log: $LOG)"
    if as_server "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null 2>"$DIR/pg_ctl.err"; then
      break
    fi
    if [ -z "$want_port" ] && [ "$attempt" -lt 5 ] \
       && tail -c +"$((offset + 1))" "$LOG" | grep -qE 'could not bind|could not create any TCP/IP sockets|Address already in use'; then
      say "port $port was taken; trying another"
      continue
    fi
    cat "$DIR/pg_ctl.err" >&2
    tail -c +"$((offset + 1))" "$LOG" | tail -n 20 >&2
    die "pg_ctl start failed (full log: $LOG)"
  done
  rm -f "$DIR/pg_ctl.err"

  # pg_ctl -w waited for "ready"; also make sure TCP connections are accepted
  local psql=("$PSQL" -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$port" -U "$ROLE")
  local i
  for i in $(seq 1 120); do
    "${psql[@]}" -d postgres -tAc 'select 1' >/dev/null 2>&1 && break
    [ "$i" = 120 ] && die "server started but does not accept connections on $HOST:$port (log: $LOG)"
    sleep 0.25
  done
  if [ "$("${psql[@]}" -d postgres -tAc "select 1 from pg_database where datname = '$DB'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "create database $DB" >/dev/null || die "create database $DB failed"
  fi
  pid="$(running)" || die "server stopped right after starting (log: $LOG)"
  say "running (pid $pid, PostgreSQL $("${psql[@]}" -d "$DB" -tAc 'show server_version'))"
  url_for "$port" | tee "$URLFILE"
}

cmd_stop() {
  set_dir "${1:-}"
  [ -d "$DIR" ] || { say "$DIR does not exist; nothing to stop"; return 0; }
  local pid
  if ! pid="$(running)"; then say "not running ($DIR)"; return 0; fi
  BIN="$(bin_dir)" || die "PostgreSQL binaries not found; cannot stop pid $pid"
  lock_dir
  SERVER_USER="$(server_user)"
  if ! is_root && [ "$SERVER_USER" != "$(id -un)" ]; then
    die "the server in $DIR runs as $SERVER_USER; stop it as that user or as root"
  fi
  say "stopping pid $pid"
  as_server "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null \
    || die "pg_ctl stop failed (log: $LOG)"
  return 0
}

cmd_url() {
  set_dir "${1:-}"
  [ -f "$URLFILE" ] || die "no URL in $URLFILE (start a cluster first: pg.sh start $DIR)"
  running >/dev/null || say "warning: the cluster in $DIR is not running"
  cat "$URLFILE"
}

cmd_status() {
  set_dir "${1:-}"
  local pid
  if pid="$(running)"; then
    say "running (pid $pid)"
    url_for "$(running_port)"
    return 0
  fi
  say "not running ($DIR)"
  return 3
}

case "${1:-}" in
  install) [ $# = 1 ] || usage; cmd_install ;;
  start) [ $# = 2 ] || [ $# = 3 ] || usage; cmd_start "$2" "${3:-}" ;;
  stop) [ $# = 2 ] || usage; cmd_stop "$2" ;;
  url) [ $# = 2 ] || usage; cmd_url "$2" ;;
  status) [ $# = 2 ] || usage; cmd_status "$2" ;;
  *) usage ;;
esac
