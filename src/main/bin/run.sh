#!/usr/bin/env bash
# Runs the product jar (build it first: mvn -B -q package -DskipTests) on the newest JDK present,
# printing which one runs: src/main/bin/run.sh demo | run [PROPERTIES] | keygen FILE | ping ADDR | ...
# OC_JAVA_HOME overrides the choice; OC_JAVA_OPTS adds JVM options.
set -euo pipefail
cd "$(dirname "$0")/../../.."
java_home=${OC_JAVA_HOME:-$(src/main/bin/newest-jdk.sh)}
java=${java_home:+$java_home/bin/}java
version=$("$java" -version 2>&1 | head -1)
echo "JDK: $version (${java_home:-java on PATH})" >&2
# protobuf-java still uses sun.misc.Unsafe, which JDK 24+ warns about at every start; JDK 17 rejects the flag
major=$(echo "$version" | sed -E 's/.*version "([0-9]+).*/\1/')
if [ "${major:-0}" -ge 24 ] 2>/dev/null; then
  OC_JAVA_OPTS="--sun-misc-unsafe-memory-access=allow ${OC_JAVA_OPTS:-}"
fi
jar=target/oc-discovery-camel.jar
if [ "${1:-}" = demo ]; then # the demo has a jar of its own, beside the node's (which it runs)
  shift
  jar=target/oc-discovery-demo.jar
fi
exec "$java" ${OC_JAVA_OPTS:-} -jar "$jar" "$@"
