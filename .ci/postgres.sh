#!/usr/bin/env bash
# A throwaway PostgreSQL server for theirstack-sync's tests, from Debian's packages.
#
#   eval "$(.ci/postgres.sh start)"   # installs postgresql if missing, starts a cluster in a
#                                     # temp dir as the postgres user on 127.0.0.1, prints the
#                                     # export lines (THEIRSTACK_TEST_POSTGRES_URL, _DIR)
#   .ci/postgres.sh stop              # stops it and removes the temp dir
#
# `start --owner-pid PID` also stops the cluster once process PID exits (the tests use this when
# they start a server themselves). Diagnostics go to stderr; stdout carries only the exports.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    return 1
  fi
  echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local owner=""
  if [ "${1:-}" = "--owner-pid" ]; then
    owner=$2
  fi
  local bin
  if ! bin=$(bindir); then
    log "installing postgresql from Debian's packages"
    if [ "$(id -u)" -ne 0 ]; then
      log "not root: cannot install postgresql"
      exit 1
    fi
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    bin=$(bindir)
  fi
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
  local dir
  dir=$(mktemp -d /tmp/theirstack-pg.XXXXXX)
  chmod 755 "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1 || {
    log "initdb failed:"; cat "$dir/initdb.log" >&2; exit 1;
  }
  local port
  for port in $(seq 55432 55532); do
    if as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
      break
    fi
    if ! grep -qi "address already in use\|could not bind" "$dir/server.log" 2>/dev/null; then
      log "the server did not start:"; cat "$dir/server.log" >&2; exit 1
    fi
    port=""
  done
  if [ -z "$port" ]; then
    log "no free port in 55432-55532"; exit 1
  fi
  if [ -n "$owner" ]; then
    # Stops the cluster when the owner exits, so a test run leaves no server behind.
    nohup bash -c "while kill -0 $owner 2>/dev/null; do sleep 1; done; '$0' stop '$dir'" >/dev/null 2>&1 &
  fi
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $dir)"
  echo "export THEIRSTACK_TEST_POSTGRES_URL='postgres://postgres@127.0.0.1:$port/postgres'"
  echo "export THEIRSTACK_TEST_POSTGRES_DIR='$dir'"
}

stop() {
  local dir=${1:-${THEIRSTACK_TEST_POSTGRES_DIR:-}}
  if [ -z "$dir" ] || [ ! -d "$dir/data" ]; then
    return 0
  fi
  local bin
  bin=$(bindir) || return 0
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) echo "usage: $0 start [--owner-pid PID] | stop [DIR]" >&2; exit 2 ;;
esac
