#!/usr/bin/env bash
# Runs JMH benchmarks as alternating single-fork runs of two or more JVM configurations, so drift on the
# machine and fork-to-fork JIT variation fall on every configuration alike, then prints each
# configuration's median and its median ratio to the first one, pair by pair (bench/paired.py).
#
#   bench/interleave.sh OUT ROUNDS 'REGEX' name=JVM_ARGS name=JVM_ARGS ... [-- JMH options]
#
# e.g. the task stats' cost (docs/perf.md §10):
#   bench/interleave.sh /tmp/stats 12 'WeftBench\.(chainedSpawn|spawnManyLocal|spawnManyRemoteIdle|yieldMany)$' \
#       off=-Dweft.taskStats=false on= -- -p flavour=currentThread
# Each run is one fork of 3 warm-up and 3 measured 1 s iterations; the order of the configurations
# flips every round. Uses bench/target/benchmarks.jar (build it with ./bench.sh -h, or mvn -Pbench).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out=$1 rounds=$2 regex=$3
shift 3
configs=()
while (($#)) && [[ $1 != -- ]]; do configs+=("$1"); shift; done
[[ ${1:-} == -- ]] && shift
jar=bench/target/benchmarks.jar
[[ -f $jar ]] || { echo "no $jar: build it first (./bench.sh -h)" >&2; exit 1; }
(( ${#configs[@]} >= 2 )) || { echo "give at least two configurations, name=JVM_ARGS" >&2; exit 2; }
mkdir -p "$out"
base="--add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xms2g -Xmx2g -Djmh.executor=FJP"
for ((r = 1; r <= rounds; r++)); do
    order=("${configs[@]}")
    if ((r % 2 == 0)); then
        order=(); for ((i = ${#configs[@]} - 1; i >= 0; i--)); do order+=("${configs[i]}"); done
    fi
    for c in "${order[@]}"; do
        name=${c%%=*} args=${c#*=}
        "$JAVA_HOME/bin/java" -jar "$jar" "$regex" -f 1 -wi 3 -i 3 -w 1s -r 1s "$@" \
            -jvmArgsAppend "$base $args" -rf json -rff "$out/$name-$r.json" > "$out/$name-$r.log" 2>&1
    done
    echo "round $r of $rounds done" >&2
done
python3 bench/paired.py "$out" "${configs[0]%%=*}"
