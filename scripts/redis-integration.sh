#!/usr/bin/env bash
# mini-redis against the real Redis tools: starts the server on a free loopback port, checks replies
# with redis-cli, runs a short redis-benchmark (every test must report a rate, none may error), then
# stops the server with SHUTDOWN and checks that it exits. Called by test.sh after the Maven suite.
# Needs the packaged server (mvn package) and redis-tools (scripts/deps.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

jar=mini-redis/target/mini-redis-0.1.0-SNAPSHOT.jar
[ -f "$jar" ] || { echo "error: $jar is missing; run mvn package first (test.sh does)." >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
"$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xss4m -jar "$jar" --port "$port" \
  >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; rm -f "$log"; }
trap cleanup EXIT

fail() { echo "redis-integration: FAIL: $*" >&2; echo "--- server log:" >&2; cat "$log" >&2; exit 1; }
for _ in $(seq 1 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited at start"
  sleep 0.1
done

cli() { redis-cli -p "$port" "$@" 2>&1; }
expect() { # expect <wanted output> <redis-cli args...>
  local want=$1; shift
  local got; got=$(cli "$@")
  [ "$got" = "$want" ] || fail "redis-cli $* gave '$got', wanted '$want'"
  checks=$((checks + 1))
}
checks=0
expect PONG ping
expect OK set greeting hello
expect hello get greeting
expect 1 exists greeting
expect 6 append greeting '!'
expect OK set counter 41
expect 42 incr counter
expect 40 decrby counter 2
expect OK set temp x ex 100
expect 100 ttl temp
expect 1 persist temp
expect -1 ttl temp
expect "$(printf 'hello!\n\n40')" mget greeting nope counter
expect 3 dbsize
got=$(cli keys '*' | sort | tr '\n' ' ')
[ "$got" = "counter greeting temp " ] || fail "keys * gave '$got'"
expect "ERR wrong number of arguments for 'get' command" get
expect "ERR unknown command 'nosuch', with args beginning with: 'a' " nosuch a
expect 0 publish news hi
got=$(printf 'CLIENT SETNAME integration\nCLIENT GETNAME\n' | redis-cli -p "$port" | tr '\n' ' ')
[ "$got" = "OK integration " ] || fail "client setname/getname on one connection gave '$got'"
cli info server | grep -q '^redis_version:' || fail "INFO has no redis_version"
# Pipelined input, as a file piped in.
got=$(printf 'SET p1 a\nSET p2 b\nGET p1\nGET p2\n' | redis-cli -p "$port" | tr '\n' ' ')
[ "$got" = "OK OK a b " ] || fail "piped commands gave '$got'"
# Inline commands over a bare socket, as a person at telnet types them.
got=$(printf 'PING\r\nECHO hi\r\nECHO "a b"\r\nQUIT\r\n' | python3 -c '
import socket,sys
s=socket.create_connection(("127.0.0.1",'"$port"')); s.sendall(sys.stdin.buffer.read())
out=b""
while True:
    b=s.recv(4096)
    if not b: break
    out+=b
print(out.decode().replace("\r\n"," "))')
[ "$got" = "+PONG \$2 hi \$3 a b +OK " ] || fail "inline commands gave '$got'"
echo "redis-integration: redis-cli: $((checks + 4)) checks passed"

# A short redis-benchmark: every test must report a rate and no error.
bench=$(redis-benchmark -p "$port" -q -t ping,set,get -P 16 -n 20000 -c 20 --csv 2>&1) \
  || fail "redis-benchmark failed: $bench"
echo "$bench" | grep -qiE 'error|warning' && fail "redis-benchmark reported a problem: $bench"
for t in PING_INLINE PING_MBULK SET GET; do
  rate=$(echo "$bench" | awk -F'"' -v t="$t" '$2 == t { print $4 }')
  [ -n "$rate" ] && awk -v r="$rate" 'BEGIN { exit !(r > 0) }' || fail "redis-benchmark: no rate for $t in: $bench"
  echo "redis-integration: redis-benchmark -P 16: $t $rate requests per second"
done

# SHUTDOWN: the connection closes and the process exits by itself.
cli shutdown >/dev/null || true
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "the server did not exit within 10 s of SHUTDOWN"
wait "$pid" || fail "the server exited with status $? after SHUTDOWN"
grep -q 'mini-redis stopped' "$log" || fail "the server did not report a clean stop"
echo "redis-integration: SHUTDOWN stopped the server cleanly"

# SIGTERM (what a service manager sends; Ctrl-C's SIGINT takes the same path): a graceful stop too.
"$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xss4m -jar "$jar" --port "$port" \
  >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  redis-cli -p "$port" ping >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited at its second start"
  sleep 0.1
done
[ "$(cli set survivor yes)" = OK ] || fail "the second server did not answer"
kill -TERM "$pid"
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$pid" 2>/dev/null && fail "the server did not exit within 10 s of SIGTERM"
grep -q 'signal received, shutting down gracefully' "$log" || fail "the server did not see SIGTERM"
grep -q 'mini-redis stopped' "$log" || fail "the server did not stop cleanly on SIGTERM"
echo "redis-integration: SIGTERM stopped the server cleanly"
