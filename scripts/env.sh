# Sourced by run.sh and test.sh: finds a JDK 25 and Maven, installing Maven if it is missing.
# Honours JAVA_HOME when it points at a JDK 25; otherwise looks in the usual install places.

weft_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

weft_find_jdk() {
  local want=25 d
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(weft_java_major "$JAVA_HOME")" = "$want" ]; then
    printf '%s\n' "$JAVA_HOME"; return 0
  fi
  for d in /usr/lib/jvm/*"$want"* /usr/lib/jvm/* /opt/*jdk* /opt/java/* \
           "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$d/bin/javac" ] || continue
    if [ "$(weft_java_major "$d")" = "$want" ]; then printf '%s\n' "$d"; return 0; fi
  done
  return 1
}

if ! WEFT_JDK=$(weft_find_jdk); then
  echo "error: Weft needs a JDK 25 and none was found (looked at JAVA_HOME, /usr/lib/jvm, /opt, ~/.sdkman, ~/.jdks)." >&2
  echo "       Install one (for example Temurin 25) or point JAVA_HOME at it, then run this again." >&2
  exit 1
fi
export JAVA_HOME="$WEFT_JDK"
export PATH="$JAVA_HOME/bin:$PATH"

if ! command -v mvn >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Maven is missing: installing it with apt-get." >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >/dev/null
  else
    echo "error: Maven (mvn) is not on PATH; install Apache Maven 3.8 or newer." >&2
    exit 1
  fi
fi

# Quieter, non-interactive Maven; the JVM that runs Maven itself gets the same JDK.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
WEFT_MVN=(mvn -B -ntp -Dstyle.color=never)
