package org.opencloud.discovery.camel;

import io.netty.buffer.ByteBuf;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencloud.discovery.p2p.host.Stream;
import org.opencloud.discovery.p2p.mux.MuxedStream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keepOpen}: a producer writes its messages on one long-lived stream per peer, newline-separated, closes
 * it on request (header CamelLibp2pCloseStream) and opens a new one for the next message; a consumer routes
 * each value of such a stream as one exchange, in order. Real TCP between two CamelContexts.
 */
class Libp2pKeptStreamTest {
    private static final String PLANNER = "/test/planner/1.0";

    @TempDir
    Path dir;
    private Libp2pNode a;
    private Libp2pNode b;

    @AfterEach
    void stop() {
        for (Libp2pNode node : new Libp2pNode[] {a, b}) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void messagesShareOneStreamUntilItIsClosedAndTheNextOneOpensAnother() throws Exception {
        b = Libp2pNode.start(dir, "b");
        List<RecordedStream> streams = new CopyOnWriteArrayList<>();
        b.component.activeHost().handle(PLANNER, stream -> streams.add(new RecordedStream(stream)));
        a = sender();

        for (String value : List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}\n")) {
            assertNull(send(value, false).getException());
        }
        assertEquals(1, streams.size(), "one stream for the three messages");
        assertEquals("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n", streams.get(0).awaitText(21));

        assertNull(send("ignored", true).getException());
        streams.get(0).ended.get(10, TimeUnit.SECONDS);
        assertEquals("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n", streams.get(0).text(), "the close sends no body");

        assertNull(send("{\"n\":4}", false).getException());
        assertEquals(2, streams.size(), "the next message opens a new stream");
        assertEquals("{\"n\":4}\n", streams.get(1).awaitText(8));
    }

    @Test
    void closingAStreamThatIsNotOpenDoesNothing() throws Exception {
        b = Libp2pNode.start(dir, "b");
        a = sender();
        Exchange close = send("ignored", true);
        assertNull(close.getException(), "a logged no-op");
    }

    @Test
    void aKeptStreamIsReadAsOneExchangePerValueInOrder() throws Exception {
        b = Libp2pNode.start(dir, "b").routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("libp2p:" + PLANNER + "?keepOpen=true").to("mock:values");
            }
        });
        a = sender();
        MockEndpoint values = b.mock("values");
        values.expectedBodiesReceived("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        values.expectedHeaderReceived(Libp2pConstants.PEER_ID, a.peerId().toString());
        for (int n = 1; n <= 3; n++) {
            assertNull(send("{\"n\":" + n + "}", false).getException());
        }
        values.assertIsSatisfied(10_000);
        values.getExchanges().forEach(e -> assertTrue(e.getMessage().getBody() instanceof byte[]));
    }

    private Libp2pNode sender() throws Exception {
        String target = b.address().toString();
        return Libp2pNode.start(dir, "a").routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:plan").to("libp2p:" + PLANNER + "?keepOpen=true&peerAddress=" + target);
            }
        });
    }

    private Exchange send(String body, boolean close) {
        return a.context.createFluentProducerTemplate().to("direct:plan").withBody(body.getBytes(StandardCharsets.UTF_8))
                .withHeader(Libp2pConstants.CLOSE_STREAM, close).send();
    }

    /** What a raw handler of the receiving host got on one stream. */
    private static final class RecordedStream {
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();

        RecordedStream(Stream stream) {
            stream.setListener(new MuxedStream.Listener() {
                @Override
                public void onData(MuxedStream s, ByteBuf data) {
                    byte[] bytes = new byte[data.readableBytes()];
                    data.readBytes(bytes).release();
                    synchronized (received) {
                        received.writeBytes(bytes);
                    }
                }

                @Override
                public void onRemoteClose(MuxedStream s) {
                    s.closeWrite();
                    ended.complete(null);
                }

                @Override
                public void onReset(MuxedStream s, Throwable cause) {
                    ended.completeExceptionally(cause);
                }
            });
        }

        String text() {
            synchronized (received) {
                return received.toString(StandardCharsets.UTF_8);
            }
        }

        /** The text once {@code length} bytes arrived (the write completes before the peer has read it). */
        String awaitText(int length) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (text().length() < length && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return text();
        }
    }
}
