#!/usr/bin/env bash
# Runs Weft's test suite with a JDK 25, whatever the default java is.
#   ./test.sh             the default suite (what CI runs)
#   ./test.sh -Pstress    adds the long stress and soak runs
# First installs what the tests use from Debian when it is missing (redis-tools, chromium: scripts/deps.sh);
# after the Maven suite, runs mini-redis against the real redis-cli and redis-benchmark.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/env.sh
scripts/deps.sh
"${WEFT_MVN[@]}" verify "$@"
case " $* " in
  *" -pl "*|*" -Dtest="*) ;; # one module or one class: no end-to-end run
  *) scripts/redis-integration.sh ;;
esac
