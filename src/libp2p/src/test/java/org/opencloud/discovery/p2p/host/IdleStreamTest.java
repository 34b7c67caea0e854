package org.opencloud.discovery.p2p.host;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.opencloud.discovery.interop.Interop.ECHO;
import static org.opencloud.discovery.interop.Interop.TIMEOUT;
import static org.opencloud.discovery.interop.Interop.addressOf;
import static org.opencloud.discovery.interop.Interop.assertEchoes;
import static org.opencloud.discovery.interop.Interop.await;
import static org.opencloud.discovery.interop.Interop.awaitTrue;
import static org.opencloud.discovery.interop.Interop.config;
import static org.opencloud.discovery.interop.Interop.serveEcho;

/** Streams on which no data moves for the stream idle timeout are reset, between Java hosts over loopback TCP. */
class IdleStreamTest {
    private static final int IDLE_STREAMS = 200;
    private final List<Host> hosts = new ArrayList<>();

    @AfterEach
    void stop() {
        hosts.forEach(Host::close);
    }

    private Host started(HostConfig config) {
        Host h = new Host(config);
        StandardProtocols.install(h);
        serveEcho(h);
        hosts.add(h);
        return h.start();
    }

    @Test
    void streamsOpenedAndNeverWrittenAreResetAfterTheTimeout() {
        Host server = started(config(null).streamIdleTimeout(Duration.ofMillis(500)));
        Host client = started(config(null));
        List<Stream> idle = new ArrayList<>();
        for (int i = 0; i < IDLE_STREAMS; i++) {
            idle.add(await(client.newStream(addressOf(server), List.of(ECHO))));
        }

        awaitTrue(TIMEOUT, "every idle stream reset", () -> idle.stream().allMatch(s -> s.closeFuture().isDone()));
        assertEquals(IDLE_STREAMS, server.idleStreamsReset());
        awaitTrue(TIMEOUT, "no stream left open on the server",
                () -> server.connections().stream().mapToInt(Connection::streamCount).sum() == 0);
        assertEchoes(client, addressOf(server)); // a stream that moves data is served as before
    }
}
