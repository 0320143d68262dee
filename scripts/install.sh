#!/usr/bin/env bash
# Installs from Debian what a task needs and is missing, before the task starts (one script for `deno task
# test`, `deno task start` and .ci/run; `deno task demo` needs nothing):
#
#   scripts/install.sh test    redis-server, chromium, kcat, openssl, Java 17, Maven (it fetches the Kafka
#                              jars, scripts/kafka.sh), python3 and librdkafka1
#   scripts/install.sh start   librdkafka1 when KAFKA_CLIENT=librdkafka; nothing else (Deno KV is built in)
#
# Everything present: exits 0 at once. Missing packages as root with apt-get: `apt-get update` and
# `apt-get install` them. Not root, or no apt-get: exits 1 within seconds, before any test, with the exact
# command to run. Progress goes to stderr.
set -euo pipefail
mode="${1:-}"
log() { printf 'install.sh: %s\n' "$*" >&2; }

have_lib() { # soname
  local dir
  for dir in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib /usr/local/lib; do
    [ -e "$dir/$1" ] && return 0
  done
  return 1
}

missing=()
need() { # package program
  command -v "$2" >/dev/null 2>&1 || missing+=("$1")
}
case "$mode" in
  test)
    need redis-server redis-server
    need chromium chromium
    need kcat kcat
    need openssl openssl
    # Kafka's jars come from Maven Central through mvn and run on Java 17+; python3 cross-checks the ZIP writer.
    need openjdk-17-jre-headless java
    need maven mvn
    need python3 python3
    # The librdkafka sink's tests load Debian's librdkafka.
    have_lib librdkafka.so.1 || missing+=(librdkafka1)
    ;;
  start)
    if [ "${KAFKA_CLIENT:-}" = "librdkafka" ]; then have_lib librdkafka.so.1 || missing+=(librdkafka1); fi
    ;;
  *)
    log "usage: scripts/install.sh test|start"
    exit 2
    ;;
esac
[ ${#missing[@]} -eq 0 ] && exit 0

install="apt-get install -y ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  log "missing ${missing[*]} (Debian package names) and there is no apt-get: install them with this"
  log "machine's package manager, then run the command again"
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  log "missing ${missing[*]}; as root, run:"
  log "  sudo apt-get update && sudo $install"
  exit 1
fi
log "installing ${missing[*]} from Debian"
apt_log="$(mktemp)"
if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive $install -qq) >"$apt_log" 2>&1; then
  tail -n 20 "$apt_log" >&2
  log "apt-get failed (above); run: apt-get update && $install"
  exit 1
fi
rm -f "$apt_log"
log "installed ${missing[*]}"
