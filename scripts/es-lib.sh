# shellcheck shell=bash disable=SC2034
# Shared helpers for the local Elasticsearch scripts (es-fetch, es-start, es-stop).
# Sourced, never run. Settings (all optional, environment variables):
#   ES_VERSION        Elasticsearch version (default: the pin in scripts/es-version)
#   ES_HOME_BASE      cache dir for unpacked distributions
#                     (default: $HOME/.cache/directory-es; as root /var/cache/directory-es,
#                     because the node runs as the non-root user $ES_USER, which cannot
#                     traverse /root)
#   ES_PORT           HTTP port on 127.0.0.1 (default 9200)
#   ES_TRANSPORT_PORT transport (node-to-node) port or range on 127.0.0.1, e.g. 9300 or
#                     9300-9399 (default: the 100 ports from ES_PORT + 100, so 9300-9399 for
#                     9200; the node takes the first free one: a taken port does not stop it)
#   ES_NODE_DIR       config, data, logs and pid file of the node on that port
#                     (default: $ES_HOME_BASE/node-$ES_PORT)
#   ES_CLUSTER_NAME   cluster name, and the prefix of the node's name (default directory-es)
#   ES_SEED_HOSTS     for a node of a cluster: its members' transport addresses, comma-separated
#   ES_INITIAL_MASTERS  and the names of the nodes that form it (see scripts/es-cluster-start)
#   ES_USER           user the node runs as when the scripts run as root (default directory-es)
#   ES_HEAP           JVM heap, -Xms and -Xmx (default 512m); ES_JAVA_OPTS is appended
#   ES_JAVA_HOME      JDK to run the node with (default: the first suitable one found)
#   ES_START_TIMEOUT  seconds es-start waits for green/yellow health (default 120)
#   ES_STOP_TIMEOUT   seconds es-stop waits before SIGKILL (default 60)
# HTTP checks use python3 (needed by the project anyway), not curl: nothing to install,
# works without root, and ignores any http_proxy set in the environment.

ES_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

es_log() { printf 'es: %s\n' "$*" >&2; }
es_die() { printf 'es: error: %s\n' "$*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || es_die "python3 is required"

ES_VERSION="${ES_VERSION:-$(tr -d '[:space:]' <"$ES_SCRIPT_DIR/es-version")}"
[[ "$ES_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || es_die "bad ES_VERSION '$ES_VERSION'"
ES_MAJOR="${ES_VERSION%%.*}"
ES_MINOR="${ES_VERSION#*.}"
ES_MINOR="${ES_MINOR%%.*}"
ES_MAVEN_ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ES_VERSION}:zip"

if [ "$(id -u)" -eq 0 ]; then
  ES_HOME_BASE="${ES_HOME_BASE:-/var/cache/directory-es}"
else
  ES_HOME_BASE="${ES_HOME_BASE:-$HOME/.cache/directory-es}"
fi
ES_HOME="$ES_HOME_BASE/$ES_VERSION"
ES_FETCH_MARKER="$ES_HOME/.directory-es-unpacked"

ES_PORT="${ES_PORT:-9200}"
if ! [[ "$ES_PORT" =~ ^[0-9]+$ ]] || [ "$ES_PORT" -lt 1 ] || [ "$ES_PORT" -gt 65535 ]; then
  es_die "bad ES_PORT '$ES_PORT'"
fi
ES_URL="http://127.0.0.1:$ES_PORT"
if [ -z "${ES_TRANSPORT_PORT:-}" ]; then
  if [ "$ES_PORT" -le 65336 ]; then
    ES_TRANSPORT_PORT="$((ES_PORT + 100))-$((ES_PORT + 199))"
  else
    ES_TRANSPORT_PORT="9300-9399"
  fi
fi
[[ "$ES_TRANSPORT_PORT" =~ ^[0-9]{1,5}(-[0-9]{1,5})?$ ]] ||
  es_die "bad ES_TRANSPORT_PORT '$ES_TRANSPORT_PORT' (a port or a range such as 9300-9399)"
ES_NODE_DIR="${ES_NODE_DIR:-$ES_HOME_BASE/node-$ES_PORT}"
ES_PID_FILE="$ES_NODE_DIR/elasticsearch.pid"
ES_CLUSTER_NAME="${ES_CLUSTER_NAME:-directory-es}"
# A node of a cluster (scripts/es-cluster-start): the transport addresses of its members and
# the names of the master-eligible nodes that form it the first time. Empty: a single node.
ES_SEED_HOSTS="${ES_SEED_HOSTS:-}"
ES_INITIAL_MASTERS="${ES_INITIAL_MASTERS:-}"
ES_USER="${ES_USER:-directory-es}"
# Version of the node answering on $ES_URL (GET / is absent from the minimal distribution).
ES_VERSION_PATH="/_nodes/_local?filter_path=nodes.*.version"

# es_get PATH [FIELD] [TIMEOUT]: GET $ES_URL$PATH; prints FIELD (dotted path into the JSON
# answer) or the whole body. Exit status: 0 ok, 1 nothing listens (connection refused),
# 2 something listens but did not give a 2xx JSON answer holding FIELD in time.
# Note: the minimal distribution has no rest-root module, so GET / answers 405 there.
es_get() {
  python3 - "$ES_URL$1" "${2:-}" "${3:-5}" <<'PY'
import json, sys, urllib.error, urllib.request
url, field, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
try:
    with opener.open(url, timeout=timeout) as resp:
        body = resp.read().decode("utf-8", "replace")
except urllib.error.HTTPError as exc:
    sys.stdout.write(exc.read().decode("utf-8", "replace")[:500])
    sys.exit(2)
except Exception as exc:  # URLError, reset, timeout, not HTTP at all ...
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, ConnectionRefusedError):
        sys.exit(1)
    sys.stdout.write(str(reason))
    sys.exit(2)
if not field:
    sys.stdout.write(body)
    sys.exit(0)
try:
    value = json.loads(body)
    for key in field.split("."):  # "*": the first member, e.g. nodes.*.version
        value = next(iter(value.values())) if key == "*" else value[key]
except (ValueError, KeyError, TypeError, AttributeError, StopIteration):
    sys.stdout.write(body[:500])
    sys.exit(2)
print(value)
PY
}

# es_pid_alive PID: true when PID is a running Elasticsearch server JVM.
es_pid_alive() {
  [[ "$1" =~ ^[0-9]+$ ]] && [ -r "/proc/$1/cmdline" ] &&
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q 'org\.elasticsearch\.'
}

# es_pid_from_file: prints the pid recorded by the node, if it is still running.
es_pid_from_file() {
  local pid
  [ -f "$ES_PID_FILE" ] || return 1
  pid="$(tr -d '[:space:]' <"$ES_PID_FILE")"
  es_pid_alive "$pid" || return 1
  printf '%s\n' "$pid"
}

# es_java_major JAVA_HOME: prints the JDK's feature version (17, 21, ...).
es_java_major() {
  local v=""
  if [ -r "$1/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$1/release")"
  fi
  if [ -z "$v" ]; then
    v="$("$1/bin/java" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n 1)"
  fi
  v="${v#1.}"
  printf '%s\n' "${v%%[.+-]*}"
}

# es_pick_java: prints a JAVA_HOME this Elasticsearch version runs on.
# 7.x needs Java 11+, 8.x 17+, 9.x 21+; before 8.18 the Security Manager is needed,
# which Java 24 removed.
es_pick_java() {
  local min max home major java candidates=()
  if [ "$ES_MAJOR" -le 7 ]; then min=11; elif [ "$ES_MAJOR" -eq 8 ]; then min=17; else min=21; fi
  if [ "$ES_MAJOR" -lt 8 ] || { [ "$ES_MAJOR" -eq 8 ] && [ "$ES_MINOR" -lt 18 ]; }; then
    max=23
  else
    max=999
  fi
  if [ -n "${ES_JAVA_HOME:-}" ]; then
    [ -x "$ES_JAVA_HOME/bin/java" ] || es_die "ES_JAVA_HOME=$ES_JAVA_HOME has no bin/java"
    major="$(es_java_major "$ES_JAVA_HOME")"
    if ! [[ "$major" =~ ^[0-9]+$ ]] || [ "$major" -lt "$min" ] || [ "$major" -gt "$max" ]; then
      es_die "ES_JAVA_HOME=$ES_JAVA_HOME is Java ${major:-?}; Elasticsearch $ES_VERSION needs $min..$max"
    fi
    printf '%s\n' "$ES_JAVA_HOME"
    return 0
  fi
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if java="$(command -v java 2>/dev/null)"; then
    java="$(readlink -f "$java")"
    candidates+=("$(dirname "$(dirname "$java")")")
  fi
  for home in /usr/lib/jvm/*; do candidates+=("$home"); done
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/java" ] || continue
    major="$(es_java_major "$home")"
    [[ "$major" =~ ^[0-9]+$ ]] || continue
    if [ "$major" -ge "$min" ] && [ "$major" -le "$max" ]; then
      printf '%s\n' "$home"
      return 0
    fi
  done
  es_die "no JDK $min..$max found for Elasticsearch $ES_VERSION (set ES_JAVA_HOME)"
}
