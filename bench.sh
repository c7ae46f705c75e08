#!/usr/bin/env bash
# Builds the JMH benchmarks (bench/, Maven profile "bench") and runs them with a JDK 25.
#   ./bench.sh                          every benchmark, with the settings in the annotations
#   ./bench.sh WeftBench.yieldMany      a regular expression picks benchmarks
#   ./bench.sh -p flavour=multiThread -f 1 -wi 3 -i 5 -w 1s -r 1s WeftBench
#   ./bench.sh -h                       JMH's options
# The arguments go to JMH unchanged. The forks get the continuation flag from the benchmarks' @Fork.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/env.sh
"${WEFT_MVN[@]}" -q -Pbench -DskipTests package >&2
exec "$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED \
  -jar bench/target/benchmarks.jar "$@"
