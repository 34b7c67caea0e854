#!/usr/bin/env bash
# Runs the product jar (build it first: mvn -B -q package -DskipTests) on the newest JDK present,
# printing which one runs: src/main/bin/run.sh demo | run [PROPERTIES] | keygen FILE | ping ADDR | ...
# OC_JAVA_HOME overrides the choice; OC_JAVA_OPTS adds JVM options.
set -euo pipefail
cd "$(dirname "$0")/../../.."
java_home=${OC_JAVA_HOME:-$(src/main/bin/newest-jdk.sh)}
java=${java_home:+$java_home/bin/}java
echo "JDK: $("$java" -version 2>&1 | head -1) (${java_home:-java on PATH})" >&2
jar=target/oc-discovery-camel.jar
if [ "${1:-}" = demo ]; then # the demo has a jar of its own, beside the node's (which it runs)
  shift
  jar=target/oc-discovery-demo.jar
fi
exec "$java" ${OC_JAVA_OPTS:-} -jar "$jar" "$@"
