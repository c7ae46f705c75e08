#!/usr/bin/env bash
# Builds Weft and runs the main job: for now the fan-out example (spawn and await at work).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/env.sh
"${WEFT_MVN[@]}" -q -DskipTests package >&2
exec "$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xss4m \
  -jar examples/target/weft-examples-0.1.0-SNAPSHOT.jar "$@"
