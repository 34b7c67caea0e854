package org.opencloud.discovery.p2p.transport.tcp;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.core.Multiaddr;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpTransportTest {
    @Test
    void aDialOnceTheEventLoopsAreGoneFailsInsteadOfNeverCompleting() throws Exception {
        TcpTransport listening = new TcpTransport(1, 1000, channel -> { });
        TcpTransport closed = new TcpTransport(1, 1000, channel -> { });
        try {
            Multiaddr address = listening.listen(Multiaddr.of("/ip4/127.0.0.1/tcp/0"));
            closed.close(); // as a host closing while a delivery still dials

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> closed.dial(address, channel -> { }).get(10, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("the transport is closed"), e.getCause().getMessage());
        } finally {
            listening.close();
        }
    }
}
