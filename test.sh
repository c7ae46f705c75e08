#!/usr/bin/env bash
# Runs Weft's test suite with a JDK 25, whatever the default java is.
#   ./test.sh             the default suite (what CI runs)
#   ./test.sh -Pstress    adds the long stress and soak runs
set -euo pipefail
cd "$(dirname "$0")"
. scripts/env.sh
exec "${WEFT_MVN[@]}" verify "$@"
