#!/usr/bin/env bash
# The end-to-end propagation benchmark: events/s and p50/p99 latency from a publish on node A's NATS
# to the arrival on each partner's NATS (1, 4, 16 partners, 1 KiB resources), beside NATS alone.
# Usage: bench/run-propagation-benchmark.sh [work directory]   (about 3-4 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

# The newest JDK installed: Temurin 25 when present, else the highest version under /usr/lib/jvm.
if [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then
  java_home=/usr/lib/jvm/temurin-25-jdk-amd64
else
  java_home=$(ls -d /usr/lib/jvm/*/ | sort -V | tail -n 1)
fi
java="${java_home%/}/bin/java"

mvn -q -B -o test-compile
mvn -q -B -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
"$java" -version 2>&1 | head -n 1
exec "$java" -Xms2g -Xmx4g ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile=bench/logback-benchmark.xml \
  -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" \
  org.opencloud.discovery.bench.PropagationBenchmark "$@"
