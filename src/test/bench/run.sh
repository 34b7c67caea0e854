#!/usr/bin/env bash
# The benchmarks, each printing one table measured in one run on this machine:
#   src/test/bench/run.sh libp2p [options]       dial, bulk, streams and length-prefixed messages for
#                                                Java→Java, Java→js, js→Java and js→js, plain and with a
#                                                pre-shared key (options: see org.opencloud.discovery.bench.Benchmark)
#   src/test/bench/run.sh propagation [--processes] [workdir]
#                                                events/s and p50/p99 from A's NATS to each partner's NATS
#                                                (1, 4, 16 partners) beside NATS alone; the nodes all in one JVM,
#                                                or with --processes each in a JVM of its own (with its own
#                                                nats-server, as operators deploy), then with each node process's
#                                                CPU time per event; below the table, what a hand-off between two
#                                                threads costs on this machine
#   src/test/bench/run.sh discovery [options]    DHT lookups and GET_VALUE, and gossipsub delivery latency, across
#                                                50 Java hosts beside 50 js-libp2p nodes (--nodes, --lookups,
#                                                --messages, --degree, --seed), then the search round trip from
#                                                A's NATS to 10 answering nodes' results (--answerers, --searches)
# The JVM is the newest JDK under /usr/lib/jvm (src/main/bin/newest-jdk.sh); BENCH_JAVA_HOME overrides it,
# BENCH_JAVA_OPTS adds JVM options, MAVEN_OFFLINE=1 runs Maven offline. Needs mvn; the libp2p benchmark
# also needs node >= 20 and npm (the js harness is installed into target/jspeer on first use).
set -euo pipefail
cd "$(dirname "$0")/../../.."

case "${1:-}" in
  libp2p) module=src/libp2p; main=org.opencloud.discovery.bench.Benchmark; heap="" ;;
  propagation) module=src/oc-discovery; main=org.opencloud.discovery.bench.PropagationBenchmark; heap="-Xms2g -Xmx4g" ;;
  discovery) module=src/oc-discovery; main=org.opencloud.discovery.bench.DiscoveryBenchmark; heap="-Xmx2g" ;;
  *) echo "usage: $0 libp2p|propagation|discovery [options]" >&2; exit 2 ;;
esac
shift

BENCH_JAVA_HOME=${BENCH_JAVA_HOME:-$(src/main/bin/newest-jdk.sh)}
JAVA=${BENCH_JAVA_HOME:+$BENCH_JAVA_HOME/bin/}java

# the benchmark's module and the modules it depends on, compiled with their tests
mvn -q -B ${MAVEN_OFFLINE:+-o} test-compile dependency:build-classpath -pl "$module" -am \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2

echo "JDK: $("$JAVA" -version 2>&1 | head -1) ($BENCH_JAVA_HOME)"
exec "$JAVA" $heap ${BENCH_JAVA_OPTS:-} \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench-classpath.txt")" \
  -Doc.project.root="$PWD" -Dlogback.configurationFile=logback-bench.xml "$main" "$@"
