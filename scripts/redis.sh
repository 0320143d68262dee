#!/usr/bin/env bash
# Development/CI Redis server on loopback, using Debian's redis-server (no persistence).
#
#   scripts/redis.sh start    start redis-server daemonized on 127.0.0.1 and wait for PONG; idempotent
#   scripts/redis.sh stop     SHUTDOWN NOSAVE (falls back to TERM/KILL by pid); idempotent
#   scripts/redis.sh status   exit 0 and print the URL if the server answers PONG, else 1
#
# On success `start` and `status` print exactly one line on stdout, `REDIS_URL=redis://127.0.0.1:<port>`;
# progress goes to stderr. redis-server is not installed by this script: on Debian run
# `apt-get install -y redis-server` (scripts/install.sh test does this for `deno task test` and CI).
#
# Environment:
#   REDIS_PORT            port (default 16379)
#   REDIS_START_TIMEOUT   seconds to wait for PONG (default 30)
#   REDIS_STOP_TIMEOUT    seconds to wait for the process to exit before SIGKILL (default 15)
#   REDIS_CACHE_DIR       pid/log/working dir (default <repo>/.cache/redis)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

REDIS_PORT="${REDIS_PORT:-16379}"
REDIS_START_TIMEOUT="${REDIS_START_TIMEOUT:-30}"
REDIS_STOP_TIMEOUT="${REDIS_STOP_TIMEOUT:-15}"
CACHE_DIR="${REDIS_CACHE_DIR:-$REPO_ROOT/.cache/redis}"
PID_FILE="$CACHE_DIR/redis.pid"
LOG_FILE="$CACHE_DIR/redis.log"
PORT_FILE="$CACHE_DIR/redis.port"

log() { printf 'redis.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

help() {
  usage_text
  exit 0
}

usage_text() {
  sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

usage() {
  usage_text >&2
  exit 2
}

require_redis() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v redis-cli >/dev/null 2>&1 || missing+=(redis-cli)
  if ((${#missing[@]} > 0)); then
    die "not found on PATH: ${missing[*]}. Install it first (Debian): apt-get update && apt-get install -y redis-server"
  fi
}

# Pid from the pid file if that process is alive and is a redis-server, else nothing.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == redis-server* ]] || return 1
  printf '%s\n' "$pid"
}

# True when the server on 127.0.0.1:$1 answers PING with PONG.
pong() {
  [[ "$(timeout 5 redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null || true)" == "PONG" ]]
}

# Port the running server was started on (recorded by start), defaulting to REDIS_PORT.
started_port() {
  local port
  port="$(cat "$PORT_FILE" 2>/dev/null || true)"
  [[ "$port" =~ ^[0-9]+$ ]] || port="$REDIS_PORT"
  printf '%s\n' "$port"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_redis() {
  require_redis
  mkdir -p "$CACHE_DIR"
  local pid
  if pid="$(running_pid)"; then
    local port
    port="$(started_port)"
    if [[ "$port" != "$REDIS_PORT" ]]; then
      die "already running on 127.0.0.1:$port (pid $pid); run '$0 stop' first to change REDIS_PORT"
    fi
    if pong "$port"; then
      log "already running (pid $pid)"
      echo "REDIS_URL=redis://127.0.0.1:$port"
      return 0
    fi
    die "redis-server pid $pid is running but does not answer on 127.0.0.1:$port; run '$0 stop' first"
  fi
  if port_open "$REDIS_PORT"; then die "port $REDIS_PORT is already in use by another process (set REDIS_PORT)"; fi

  rm -f "$PID_FILE"
  printf '%s\n' "$REDIS_PORT" >"$PORT_FILE"
  log "starting redis-server on 127.0.0.1:$REDIS_PORT, log $LOG_FILE"
  # No config file: defaults plus these flags. No RDB snapshots, no AOF: state is throwaway.
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --daemonize yes --pidfile "$PID_FILE" --logfile "$LOG_FILE" --dir "$CACHE_DIR" \
    --save '' --appendonly no </dev/null >/dev/null 2>&1 || {
    tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
    die "redis-server failed to start (log above, full log: $LOG_FILE)"
  }

  local deadline=$((SECONDS + REDIS_START_TIMEOUT))
  until pong "$REDIS_PORT"; do
    if ((SECONDS >= deadline)); then
      tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
      stop_redis
      die "redis-server did not answer PONG on 127.0.0.1:$REDIS_PORT within ${REDIS_START_TIMEOUT}s"
    fi
    sleep 0.1
  done
  log "ready (pid $(cat "$PID_FILE" 2>/dev/null || echo '?'))"
  echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
}

stop_redis() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping redis-server (pid $pid) ..."
  if ! { command -v redis-cli >/dev/null 2>&1 &&
    timeout 5 redis-cli -h 127.0.0.1 -p "$(started_port)" shutdown nosave >/dev/null 2>&1; }; then
    # Without persistence configured, SIGTERM is an equally clean shutdown.
    kill -TERM "$pid" 2>/dev/null || true
  fi
  local deadline=$((SECONDS + REDIS_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "still running after ${REDIS_STOP_TIMEOUT}s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
      break
    fi
    sleep 0.1
  done
  rm -f "$PID_FILE"
  log "stopped"
}

status_redis() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running"
    return 1
  fi
  local port
  port="$(started_port)"
  if command -v redis-cli >/dev/null 2>&1 && pong "$port"; then
    log "running (pid $pid)"
    echo "REDIS_URL=redis://127.0.0.1:$port"
    return 0
  fi
  log "process $pid is up but does not answer PONG on 127.0.0.1:$port"
  return 1
}

main() {
  [[ "$REDIS_PORT" =~ ^[0-9]+$ && "$REDIS_PORT" -ge 1 && "$REDIS_PORT" -le 65535 ]] ||
    die "invalid REDIS_PORT '$REDIS_PORT'"
  [[ $# -eq 1 ]] || usage
  case "$1" in
    start) start_redis ;;
    stop) stop_redis ;;
    status) status_redis ;;
    -h | --help | help) help ;;
    *) usage ;;
  esac
}

main "$@"
