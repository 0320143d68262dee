#!/usr/bin/env bash
# Development/CI Apache Kafka broker on loopback, run from Maven Central jars (no Docker, no tarball).
#
#   scripts/kafka.sh start [--clean]   fetch jars if needed, format storage if needed, start, wait until ready
#   scripts/kafka.sh stop              stop the broker (TERM, then KILL after KAFKA_STOP_TIMEOUT); idempotent
#   scripts/kafka.sh status            exit 0 and print the bootstrap address if the broker answers, else 1
#   scripts/kafka.sh logs [-f]         print (or follow) the tail of the broker log
#   scripts/kafka.sh fetch             only fetch the jars into the cache
#
# A single KRaft node (process.roles=broker,controller, node.id=1) listening on 127.0.0.1. On success
# `start` prints exactly one line on stdout, `KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:<port>`; progress goes
# to stderr. Data is kept across stop/start unless `start --clean` or KAFKA_CLEAN=1 is given.
#
# Environment:
#   KAFKA_PORT             client listener port (default 19092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener port (default 19093)
#   KAFKA_CLEAN            1 = wipe the data dir before starting (same as --clean)
#   KAFKA_HEAP_OPTS        JVM heap flags (default "-Xms256m -Xmx512m")
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 90)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 30)
#   KAFKA_CACHE_DIR        cache root (default <repo>/.cache/kafka)
#   KAFKA_LOG_LINES        lines printed by `logs` (default 200)
#   JAVA_HOME              Java 17+ to use (default: `java` on PATH)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"

KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
CACHE_DIR="${KAFKA_CACHE_DIR:-$REPO_ROOT/.cache/kafka}"

LIBS_DIR="$CACHE_DIR/libs"
M2_DIR="$CACHE_DIR/m2"
DATA_DIR="$CACHE_DIR/data"
PROPS_FILE="$CACHE_DIR/server.properties"
LOG4J_FILE="$CACHE_DIR/log4j2.properties"
PID_FILE="$CACHE_DIR/kafka.pid"
LOG_FILE="$CACHE_DIR/kafka.log"
LOCK_FILE="$CACHE_DIR/.lock"
STAMP_FILE="$LIBS_DIR/.pom.sha256"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

help() {
  usage_text
  exit 0
}

usage_text() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

usage() {
  usage_text >&2
  exit 2
}

check_port() {
  [[ "$1" =~ ^[0-9]+$ && "$1" -ge 1 && "$1" -le 65535 ]] || die "invalid port '$1'"
}

# Serialise start/stop/fetch between concurrent callers. fd 9 is closed for every child we leave running.
take_lock() {
  mkdir -p "$CACHE_DIR"
  exec 9>"$LOCK_FILE"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
}

require_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 17+; set JAVA_HOME or install openjdk-17-jre-headless)"
  local version major
  version="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)"
  major="${version%%.*}"
  [[ "$major" =~ ^[0-9]+$ && "$major" -ge 17 ]] || die "Kafka 4.x needs Java 17+, found '$version' ($JAVA)"
}

# Java trusts only its own store (Debian: /etc/ssl/certs/java/cacerts), not SSL_CERT_FILE. When that bundle
# holds CAs Java's store lacks (a proxy's or a company's CA), Maven gets a copy of Java's store with them
# added, so it reaches Maven Central the way curl and Deno do on this machine.
maven_trust() {
  local bundle="${SSL_CERT_FILE:-}" dir="$CACHE_DIR/trust" java_store
  [[ -n "$bundle" && -r "$bundle" ]] || return 0
  command -v keytool >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 || return 0
  java_store="$(dirname "$(readlink -f "$(command -v "$JAVA")")")/../lib/security/cacerts"
  [[ -r "$java_store" ]] || return 0
  rm -rf "$dir" && mkdir -p "$dir"
  awk -v dir="$dir" '/BEGIN CERT/ { n++ } n { print > (dir "/ca-" n ".pem") } /END CERT/ { close(dir "/ca-" n ".pem") }' "$bundle"
  local known pem fingerprint added=0
  known="$(keytool -list -keystore "$java_store" -storepass changeit 2>/dev/null | tr -d ':' | tr 'a-f' 'A-F')"
  cp "$java_store" "$dir/truststore.jks" && chmod u+w "$dir/truststore.jks"
  for pem in "$dir"/ca-*.pem; do
    fingerprint="$(openssl x509 -noout -fingerprint -sha256 -in "$pem" 2>/dev/null | sed 's/.*=//' | tr -d ':')"
    [[ -z "$fingerprint" ]] || grep -q "$fingerprint" <<<"$known" && continue
    keytool -importcert -noprompt -alias "$(basename "$pem" .pem)" -file "$pem" \
      -keystore "$dir/truststore.jks" -storepass changeit >/dev/null 2>&1 && added=$((added + 1))
  done
  if [[ $added -gt 0 ]]; then
    log "Maven trusts $added CA(s) of SSL_CERT_FILE that Java's store lacks"
    export MAVEN_OPTS="${MAVEN_OPTS:-} -Djavax.net.ssl.trustStore=$dir/truststore.jks -Djavax.net.ssl.trustStorePassword=changeit"
  fi
}

# Fetch the Kafka jars with Maven into $LIBS_DIR unless they are already there for the current pom.
fetch_jars() {
  local want
  want="$(sha256sum "$POM" | cut -d' ' -f1)"
  if [[ -f "$STAMP_FILE" && "$(cat "$STAMP_FILE")" == "$want" ]]; then
    return 0
  fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found; install Maven (apt-get install -y maven) to fetch the Kafka jars"
  log "fetching Kafka jars into $LIBS_DIR (Maven Central on first run, then $M2_DIR) ..."
  local started=$SECONDS tmp="$CACHE_DIR/libs.tmp"
  rm -rf "$tmp"
  local -a mvn_args=(-B -q -Dstyle.color=never -f "$POM" -Dmaven.repo.local="$M2_DIR"
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp")
  # Try the local Maven repo in the cache first (no network), then Maven Central.
  if ! { [[ -d "$M2_DIR" ]] && mvn -o "${mvn_args[@]}" 9>&- >/dev/null 2>&1; }; then
    rm -rf "$tmp"
    maven_trust
    # (sed: Maven 3.8 prints stray ANSI resets even with -Dstyle.color=never; pipefail keeps mvn's status.)
    if ! mvn "${mvn_args[@]}" 9>&- 2>&1 | sed $'s/\x1b\\[[0-9;]*m//g' >&2; then
      rm -rf "$tmp"
      die "mvn could not fetch the Kafka jars (see output above)"
    fi
  fi
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "mvn finished but kafka_2.13 jar is missing in $tmp"
  printf '%s\n' "$want" >"$tmp/.pom.sha256"
  if running_pid >/dev/null; then
    rm -rf "$tmp"
    die "the broker is running on the old jars; run '$0 stop' before fetching new ones"
  fi
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars in $((SECONDS - started))s"
}

# Pid from the pid file if that process is alive and is our broker, else nothing.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: the command line must be our kafka.Kafka with our properties file.
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmdline" == *kafka.Kafka*"$PROPS_FILE"* ]] || return 1
  printf '%s\n' "$pid"
}

# Client port the running broker was configured with (from the generated server.properties).
configured_port() {
  sed -n 's|^advertised.listeners=PLAINTEXT://127.0.0.1:\([0-9]*\)$|\1|p' "$PROPS_FILE" 2>/dev/null
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# True when the broker answers a Kafka ApiVersions v0 request on 127.0.0.1:$1 with error_code 0.
# (An open port alone is not enough: Kafka binds its listeners before it starts serving requests.)
broker_answers() {
  local reply
  # shellcheck disable=SC2016 # the inner script gets the port as $1
  reply="$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    # size=14, api_key=18 (ApiVersions), api_version=0, correlation_id=1, client_id="ping"
    printf "\x00\x00\x00\x0e\x00\x12\x00\x00\x00\x00\x00\x01\x00\x04ping" >&3
    head -c 10 <&3 | od -An -tx1
  ' _ "$1" 2>/dev/null | tr -d ' \n')" || return 1
  # 4-byte size, correlation_id=1, error_code=0
  [[ "${reply:8:12}" == "000000010000" ]]
}

write_config() {
  mkdir -p "$DATA_DIR"
  cat >"$PROPS_FILE" <<EOF
# Generated by scripts/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${KAFKA_CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT},CONTROLLER://127.0.0.1:${KAFKA_CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${KAFKA_PORT}
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${DATA_DIR}
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
EOF
  cat >"$LOG4J_FILE" <<'EOF'
# Generated by scripts/kafka.sh: everything to stdout, which the script redirects to kafka.log.
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = STDOUT
logger.kafka_request.name = kafka.request.logger
logger.kafka_request.level = warn
logger.state_change.name = state.change.logger
logger.state_change.level = warn
EOF
}

java_cmd() {
  # shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is a list of flags on purpose
  local heap=($KAFKA_HEAP_OPTS)
  printf '%s\0' "$JAVA" "${heap[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_FILE" -Dkafka.logs.dir="$CACHE_DIR" -cp "$LIBS_DIR/*"
}

format_storage() {
  if [[ -f "$DATA_DIR/meta.properties" ]]; then
    return 0
  fi
  local -a java
  mapfile -d '' java < <(java_cmd)
  local cluster_id
  cluster_id="$("${java[@]}" kafka.tools.StorageTool random-uuid 9>&- 2>>"$LOG_FILE" | tail -n1)"
  [[ -n "$cluster_id" ]] || die "could not generate a cluster id (see $LOG_FILE)"
  log "formatting KRaft storage in $DATA_DIR (cluster id $cluster_id)"
  "${java[@]}" kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" -c "$PROPS_FILE" \
    9>&- >>"$LOG_FILE" 2>&1 || {
    tail -n 40 "$LOG_FILE" >&2
    die "kafka-storage format failed"
  }
}

stop_broker() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  log "stopped"
}

start_broker() {
  local clean="${KAFKA_CLEAN:-0}"
  [[ "${1:-}" == "--clean" ]] && clean=1
  [[ $# -le 1 && ("${1:-}" == "" || "${1:-}" == "--clean") ]] || usage

  local pid
  if pid="$(running_pid)"; then
    local port
    port="$(configured_port)"
    if [[ "$port" != "$KAFKA_PORT" && "$clean" != 1 ]]; then
      die "already running on 127.0.0.1:${port:-?} (pid $pid); run '$0 stop' first to change KAFKA_PORT"
    fi
    if [[ "$clean" == 1 ]]; then
      stop_broker
    elif broker_answers "$KAFKA_PORT"; then
      log "already running (pid $pid)"
      echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT"
      return 0
    else
      # Started by an earlier call that has not seen it answer yet: fall through and wait for it.
      log "already running (pid $pid), waiting for it to answer on port $KAFKA_PORT"
    fi
  fi

  if [[ -z "${pid:-}" ]] || ! running_pid >/dev/null; then
    require_java
    fetch_jars
    if port_open "$KAFKA_PORT"; then die "port $KAFKA_PORT is already in use by another process (set KAFKA_PORT)"; fi
    if port_open "$KAFKA_CONTROLLER_PORT"; then
      die "port $KAFKA_CONTROLLER_PORT is already in use by another process (set KAFKA_CONTROLLER_PORT)"
    fi
    if [[ "$clean" == 1 ]]; then
      log "wiping $DATA_DIR"
      rm -rf "$DATA_DIR"
    fi
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
    : >"$LOG_FILE"
    write_config
    format_storage

    local -a java
    mapfile -d '' java < <(java_cmd)
    log "starting broker on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT), log $LOG_FILE"
    # setsid: own session, so the caller's Ctrl-C / job teardown does not hit the broker.
    setsid "${java[@]}" kafka.Kafka "$PROPS_FILE" </dev/null >>"$LOG_FILE" 2>&1 9>&- &
    pid=$!
    printf '%s\n' "$pid" >"$PID_FILE"
  fi

  local started=$SECONDS deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  until broker_answers "$KAFKA_PORT"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 60 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      die "broker exited during startup (log above, full log: $LOG_FILE)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 60 "$LOG_FILE" >&2
      log "broker did not answer on 127.0.0.1:$KAFKA_PORT within ${KAFKA_START_TIMEOUT}s (log above), stopping it"
      stop_broker
      die "broker start timed out after ${KAFKA_START_TIMEOUT}s (full log: $LOG_FILE)"
    fi
    sleep 0.5
  done
  log "ready in $((SECONDS - started))s (pid $pid)"
  echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT"
}

status_broker() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    return 1
  fi
  local port
  port="$(configured_port)"
  port="${port:-$KAFKA_PORT}"
  if broker_answers "$port"; then
    log "running (pid $pid)"
    echo "KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$port"
    return 0
  fi
  log "process $pid is up but not answering on 127.0.0.1:$port"
  return 1
}

show_logs() {
  [[ -f "$LOG_FILE" ]] || die "no log yet at $LOG_FILE"
  if [[ "${1:-}" == "-f" ]]; then exec tail -n 100 -F "$LOG_FILE"; fi
  tail -n "${KAFKA_LOG_LINES:-200}" "$LOG_FILE"
}

main() {
  check_port "$KAFKA_PORT"
  check_port "$KAFKA_CONTROLLER_PORT"
  local cmd="${1:-}"
  shift || true
  case "$cmd" in
    start)
      take_lock
      start_broker "$@"
      ;;
    stop)
      take_lock
      stop_broker
      ;;
    status) status_broker ;;
    logs) show_logs "$@" ;;
    fetch)
      take_lock
      require_java
      fetch_jars
      ;;
    -h | --help | help) help ;;
    *) usage ;;
  esac
}

main "$@"
