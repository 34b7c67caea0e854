package org.opencloud.discovery.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;

/**
 * PerfClient against an in-process PerfListener with tiny sizes, so the benchmark code is compiled and
 * exercised in every build: counts are checked, speed never. (The client itself fails a test whose
 * reply count differs from what it sent.)
 */
class PerfSmokeTest {

    @Test
    void runsEveryTestInBothModes() {
        PerfClient.Params params = PerfClient.Params.from(Map.of("dials", "3", "bulk-mib", "2", "bulk-warmup-mib", "1",
                "msgs", "200", "warmup-frac", "0.1"), 100_000);
        Map<String, JsonNode> finalStats = new HashMap<>();
        PerfClient.TargetFactory listeners = PerfClient.inProcessListener();
        PerfClient.TargetFactory recording = pskFile -> {
            PerfClient.Target target = listeners.start(pskFile);
            return new PerfClient.Target() {
                @Override
                public Multiaddr address() {
                    return target.address();
                }

                @Override
                public JsonNode stats() {
                    return target.stats();
                }

                @Override
                public void reset() {
                    target.reset();
                }

                @Override
                public void close() {
                    finalStats.put(pskFile == null ? "plain" : "psk", target.stats());
                    target.close();
                }
            };
        };

        ObjectNode summary = new PerfClient(params).run(recording, "in-process");

        for (String mode : List.of("plain", "psk")) {
            JsonNode r = summary.path("results").path(mode);
            assertFalse(r.has("listenerErrors"), r::toString);
            assertEquals(3, r.path("dial").path("n").asInt(), r::toString);
            assertEquals(2L << 20, r.path("bulk").path("bytes").asLong(), r::toString);
            assertEquals(200, r.path("streams").path("msgs").asInt(), r::toString);
            assertEquals(1026, r.path("lp").path("frameBytes").asInt(), r::toString);
            // counters were reset before the measured streams run; the lp warm-up (20) and run (200) follow it
            JsonNode st = finalStats.get(mode);
            assertEquals(0, st.path("errors").asInt(), st::toString);
            assertEquals(200, st.path("small").path("streams").asInt(), st::toString);
            assertEquals(200 * 1024, st.path("small").path("bytes").asInt(), st::toString);
            assertEquals(2, st.path("lp").path("streams").asInt(), st::toString);
            assertEquals(220, st.path("lp").path("frames").asInt(), st::toString);
            assertEquals(220 * 1024, st.path("lp").path("bytes").asInt(), st::toString);
        }
    }

    @Test
    void listenerCountsLengthPrefixedFramesAcrossChunks() {
        LengthPrefixedFrameCounter counter = new LengthPrefixedFrameCounter();
        byte[] prefix129 = {(byte) 0x81, 0x01};
        counter.push(Unpooled.wrappedBuffer(prefix129, 0, 1));
        counter.push(Unpooled.wrappedBuffer(prefix129, 1, 1));
        counter.push(Unpooled.wrappedBuffer(new byte[100]));
        counter.push(Unpooled.wrappedBuffer(new byte[29 + 1])); // the body's last 29 bytes, then an empty frame
        assertEquals(2, counter.frames());
        assertEquals(129, counter.bodyBytes());
    }
}
