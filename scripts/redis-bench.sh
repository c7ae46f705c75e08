#!/usr/bin/env bash
# mini-redis against a real redis-server (Debian's, no persistence), interleaved in one run:
#   redis-benchmark -q -t ping,set,get -n 200000 -c 50 -P {1,16}
# against each server in turn, for several rounds, then the best rate per server and test, and the
# ratios mini-redis / Redis, after one untimed warm-up pass each.
# Usage: scripts/redis-bench.sh [rounds (default 3)] [mini-redis options, e.g. --workers 1]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
scripts/deps.sh
rounds=${1:-3}
shift || true

"${WEFT_MVN[@]}" -q -DskipTests package 2>&1 | sed 's/\x1b\[0m//g' >&2
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
weft_port=$(free_port)
redis_port=$(free_port)
"$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xss4m \
  -jar mini-redis/target/mini-redis-0.1.0-SNAPSHOT.jar --port "$weft_port" "$@" >/tmp/mini-redis-bench.log 2>&1 &
weft_pid=$!
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
  >/tmp/redis-server-bench.log 2>&1 &
redis_pid=$!
trap 'kill $weft_pid $redis_pid 2>/dev/null || true' EXIT
for p in "$weft_port" "$redis_port"; do
  for _ in $(seq 1 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

results=$(mktemp)
run() { # run <name> <port> <pipeline>
  redis-benchmark -p "$2" -q -t ping,set,get -n 200000 -c 50 -P "$3" --csv 2>/dev/null |
    awk -F'"' -v s="$1" -v p="$3" 'NR > 1 { print s, p, $2, $4 }' >>"$results"
}
echo "redis-server: $(redis-server --version | cut -d' ' -f3); mini-redis options: ${*:-none}; rounds: $rounds" >&2
# One untimed pass each first: the JVM compiles the server's hot paths (a -P 16 test lasts 0.1-0.2 s).
for p in "$weft_port" "$redis_port"; do
  for pipeline in 1 16; do
    redis-benchmark -p "$p" -q -t ping,set,get -n 200000 -c 50 -P "$pipeline" --csv >/dev/null 2>&1
  done
done
for r in $(seq 1 "$rounds"); do
  for pipeline in 1 16; do
    # Alternate which server goes first, so neither always gets the warmer machine.
    if [ $((r % 2)) = 1 ]; then order="weft redis"; else order="redis weft"; fi
    for s in $order; do
      if [ "$s" = weft ]; then run weft "$weft_port" "$pipeline"; else run redis "$redis_port" "$pipeline"; fi
    done
  done
  echo "round $r done" >&2
done

# The best of the rounds per server, pipeline and test; then the ratio (mawk has no sort: sort does it).
printf "%-4s %-12s %14s %14s %8s\n" "-P" "test" "mini-redis" "redis" "ratio"
awk '
  { k = $2 " " $3; v = $4 + 0; if (v > best[$1, k]) best[$1, k] = v; keys[k] = 1 }
  END {
    for (k in keys) {
      split(k, kk, " "); w = best["weft", k]; r = best["redis", k]
      printf "%-4s %-12s %14.0f %14.0f %7.2fx\n", kk[1], kk[2], w, r, (r > 0 ? w / r : 0)
    }
  }' "$results" | sort -k1,1n -k2,2
echo "(all rounds: $results)"
