#!/usr/bin/env bash
# Installs, from Debian's packages, the outside programs that Weft's tests and benchmarks use, when missing:
# redis-tools (redis-cli, redis-benchmark), redis-server, and chromium (the console's browser test drives it
# headless). Runs `apt-get update` at most once.
# Called by test.sh; safe to run again (it does nothing when everything is there).
set -euo pipefail

need=()
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v redis-benchmark >/dev/null 2>&1 || { [[ " ${need[*]-} " == *" redis-tools "* ]] || need+=(redis-tools); }
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ "${#need[@]}" -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: ${need[*]} missing and apt-get is not available; install them by hand." >&2
  exit 1
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); else
    echo "error: ${need[*]} missing; installing them needs root (or sudo)." >&2
    exit 1
  fi
fi
echo "Installing ${need[*]} from Debian (once)..." >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian's package starts a redis-server service where an init system runs; tests start their own.
