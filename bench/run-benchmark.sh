#!/usr/bin/env bash
# Runs the anchor benchmark (Java→Java, Java→js, js→Java, js→js; plain and psk) and prints one table.
# Options go to org.opencloud.discovery.bench.Benchmark, e.g. --dials 50 --bulk-mib 256 --msgs 20000.
# The JVM is the newest JDK under /usr/lib/jvm (Temurin first among equals); BENCH_JAVA_HOME overrides it.
# Needs mvn, node >= 20 and npm; the js harness is installed into target/jspeer on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

newest_jdk() {
  local best="" best_version="" release version
  for release in /usr/lib/jvm/*/release; do
    [ -x "$(dirname "$release")/bin/java" ] || continue
    version=$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$release")
    [ -n "$version" ] || continue
    # newer version wins; on a tie, a Temurin build
    if [ -z "$best" ] || [ "$(printf '%s\n%s\n' "$best_version" "$version" | sort -V | tail -1)" != "$best_version" ] \
       || { [ "$version" = "$best_version" ] && [[ "$release" == *temurin* ]]; }; then
      best=$(dirname "$release"); best_version=$version
    fi
  done
  echo "${best:-${JAVA_HOME:-}}"
}

BENCH_JAVA_HOME=${BENCH_JAVA_HOME:-$(newest_jdk)}
JAVA=${BENCH_JAVA_HOME:+$BENCH_JAVA_HOME/bin/}java

mvn -q -B ${MAVEN_OFFLINE:+-o} test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2

echo "JDK: $("$JAVA" -version 2>&1 | head -1) ($BENCH_JAVA_HOME)"
exec "$JAVA" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  -Dbasedir="$PWD" -Dlogback.configurationFile=logback-bench.xml \
  org.opencloud.discovery.bench.Benchmark "$@"
