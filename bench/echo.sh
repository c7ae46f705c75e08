#!/usr/bin/env bash
# TCP echo, Weft against Netty 4.2 (NIO and epoll): runs dev.weft.bench.EchoLoad twice, because Weft's
# two scheduling modes are JVM-level choices the program cannot make for itself:
#   1. homing (default flags): Weft, Netty NIO and Netty epoll, interleaved;
#   2. migration (homing off, the JIT's currentThread intrinsic disabled, DESIGN.md section 2): Weft only,
#      since the disabled intrinsic slows every Thread.currentThread() in the JVM, Netty's included.
#   bench/echo.sh                                     the full matrix, 5 s per run
#   bench/echo.sh --seconds 2 --conns 50 --size 64    a subset; any EchoLoad option passes through
# Set JAVA to use another JDK 25. Set ECHO_BUILD=0 to skip the Maven build.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
if [ "${ECHO_BUILD:-1}" != 0 ]; then
  . scripts/env.sh
  "${WEFT_MVN[@]}" -q -Pbench -DskipTests package >&2
fi
jvm=(--add-exports java.base/jdk.internal.vm=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g
     -cp bench/target/benchmarks.jar)

echo "== homing (default JVM flags)"
"$JAVA" "${jvm[@]}" dev.weft.bench.EchoLoad "$@"
echo
echo "== migration (-Dweft.unsafe.disableHoming=true -XX:DisableIntrinsic=_currentThread), Weft only"
"$JAVA" "${jvm[@]}" -Dweft.unsafe.disableHoming=true -XX:+UnlockDiagnosticVMOptions \
  -XX:DisableIntrinsic=_currentThread dev.weft.bench.EchoLoad "$@" --server weft --jvm-migration
