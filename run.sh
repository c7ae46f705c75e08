#!/usr/bin/env bash
# Builds Weft and runs the main job: the mini-redis server on 127.0.0.1:6379, with the Weft console on
# http://127.0.0.1:6380/ (options: ./run.sh --help; --console=0 puts the console on a free port).
# Talk to it with redis-cli (scripts/deps.sh installs redis-tools); stop it with Ctrl-C or SHUTDOWN.
set -euo pipefail
cd "$(dirname "$0")"
. scripts/env.sh
# (Debian's Maven 3.8 prints stray colour resets even in batch mode; they are stripped.)
"${WEFT_MVN[@]}" -q -DskipTests package 2>&1 | sed 's/\x1b\[0m//g' >&2
exec "$JAVA_HOME/bin/java" --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xss4m \
  -jar mini-redis/target/mini-redis-0.1.0-SNAPSHOT.jar --console "$@"
