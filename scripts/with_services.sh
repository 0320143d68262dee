#!/usr/bin/env bash
# Runs a command (the test suite for `deno task test`, the benchmarks for `deno task bench`) with the real
# services it needs: Redis and a single-node Kafka broker on loopback, started through scripts/redis.sh and
# scripts/kafka.sh unless REDIS_URL / KAFKA_BOOTSTRAP_SERVERS already point at running ones; stops what it
# started. A service that cannot start is reported here, and the tests that need it fail loudly: nothing is
# skipped. Usage: scripts/with_services.sh COMMAND [ARGS...]
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
started=()

start_service() { # name script var
  local name="$1" script="$2" var="$3" line
  if [ -n "${!var:-}" ]; then
    echo "with_services.sh: using $var=${!var}" >&2
    return
  fi
  if line="$(bash "$script" status 2>/dev/null | tail -n 1)" && [[ "$line" == "$var="* ]]; then
    export "$line" # already running (not ours to stop)
    echo "with_services.sh: using running $name: $line" >&2
  elif line="$(bash "$script" start | tail -n 1)" && [[ "$line" == "$var="* ]]; then
    export "$line"
    started+=("$script")
    echo "with_services.sh: started $name: $line" >&2
  else
    echo "with_services.sh: ERROR: could not start $name ($script start); tests that need it will fail" >&2
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port held by something that is not our service (another checkout's broker, say): move to the next free one.
pick_port() { # var default
  local var="$1" port="${!1:-$2}"
  while port_busy "$port"; do port=$((port + 100)); done
  export "$var=$port"
}

if [ "${OASIS_TEST_SERVICES:-1}" = "1" ]; then
  if [ -z "${REDIS_URL:-}" ] && ! bash scripts/redis.sh status >/dev/null 2>&1; then pick_port REDIS_PORT 16379; fi
  if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ] && ! bash scripts/kafka.sh status >/dev/null 2>&1; then
    pick_port KAFKA_PORT 19092
    pick_port KAFKA_CONTROLLER_PORT $((KAFKA_PORT + 1))
  fi
  [ -f scripts/redis.sh ] && start_service Redis scripts/redis.sh REDIS_URL
  [ -f scripts/kafka.sh ] && start_service Kafka scripts/kafka.sh KAFKA_BOOTSTRAP_SERVERS
fi

"$@"
rc=$?
for script in "${started[@]}"; do bash "$script" stop >/dev/null 2>&1 || true; done
exit $rc
