# shellcheck shell=bash disable=SC2034
# Shared settings of the local PostgreSQL scripts (pg-start, pg-stop). Sourced, never run.
# Settings (all optional, environment variables):
#   PG_PORT      TCP port on 127.0.0.1 (default 55432, away from a system cluster's 5432)
#   PG_DIR       the throw-away cluster: data, log, socket and lock
#                (default /tmp/directory-pg-$PG_PORT: a path the server's user can reach,
#                which a clone under /root is not)
#   PG_DATABASE  the database whose URL pg-start prints (default directory)
#   PG_USER      system user the server runs as when the scripts run as root (default
#                postgres, created by Debian's package); otherwise the calling user
#   PG_START_TIMEOUT  seconds pg-start waits for the server to accept connections (default 60)
# The cluster trusts every connection from loopback (no password): for development and
# tests only, never for production data.

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"

pg_log() { printf 'pg: %s\n' "$*" >&2; }
pg_die() { printf 'pg: error: %s\n' "$*" >&2; exit 1; }

PG_PORT="${PG_PORT:-55432}"
if ! [[ "$PG_PORT" =~ ^[0-9]+$ ]] || [ "$PG_PORT" -lt 1 ] || [ "$PG_PORT" -gt 65535 ]; then
  pg_die "bad PG_PORT '$PG_PORT'"
fi
PG_DIR="${PG_DIR:-/tmp/directory-pg-$PG_PORT}"
[[ "$PG_DIR" =~ ^/[A-Za-z0-9._/-]+$ ]] || pg_die "PG_DIR must be an absolute path without spaces: '$PG_DIR'"
PG_DATA="$PG_DIR/data"
PG_LOG="$PG_DIR/server.log"
PG_DATABASE="${PG_DATABASE:-directory}"
[[ "$PG_DATABASE" =~ ^[a-z_][a-z0-9_]*$ ]] || pg_die "bad PG_DATABASE '$PG_DATABASE'"
PG_SUPERUSER=postgres # the cluster's own superuser role, whatever system user runs it
PG_URL="postgresql+psycopg://$PG_SUPERUSER@127.0.0.1:$PG_PORT/$PG_DATABASE"

run_as=()
if [ "$(id -u)" -eq 0 ]; then
  PG_USER="${PG_USER:-postgres}"
  run_as=(runuser -u "$PG_USER" --)
fi

# pg_psql DATABASE SQL: runs SQL over TCP as the superuser, prints the unaligned result.
pg_psql() {
  PGCONNECT_TIMEOUT=3 "$PG_BIN/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$PG_PORT" -U "$PG_SUPERUSER" -d "$1" -c "$2"
}

# pg_listening: something accepts TCP connections on the port.
pg_listening() {
  python3 -c 'import socket, sys
with socket.socket() as s:
    s.settimeout(2)
    sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))))' "$PG_PORT"
}

# Serialises pg-start and pg-stop on one port.
pg_lock() {
  mkdir -p "$PG_DIR"
  exec 9>"$PG_DIR/.lock"
  flock 9
}
