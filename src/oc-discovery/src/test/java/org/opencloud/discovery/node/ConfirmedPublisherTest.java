package org.opencloud.discovery.node;

import io.nats.NatsServerRunner;
import org.opencloud.discovery.e2e.NatsServerRunners;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What "accepted" means for the inbound publishes, against a real nats-server: a core publish once the server
 * answered after it, a publish on a subject a stream captures once the stream acknowledged it (a full stream says
 * no), and nothing at all while the connection is down: the publish fails at once instead of waiting in the
 * client's buffer and going out later.
 */
class ConfirmedPublisherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ExecutorService flusher = Executors.newSingleThreadExecutor();
    @TempDir
    Path dir;
    private NatsServerRunner server;
    private NodeNatsConnection nats;
    private ConfirmedPublisher publisher;
    private Connection observer;

    private void start(boolean jetStream, Integer port) throws Exception {
        NatsServerRunner.Builder builder = (jetStream ? NatsServerRunners.withJetStream(dir.resolve("store"))
                : NatsServerRunners.builder()).outputLevel(Level.WARNING);
        server = (port == null ? builder : builder.port(port)).build();
        if (nats == null) {
            nats = new NodeNatsConnection(server.getURI(), "publisher-test");
            publisher = new ConfirmedPublisher(nats, TIMEOUT, flusher);
        }
        observer = Nats.connect(server.getURI());
        awaitConnected();
    }

    @AfterEach
    void stop() throws Exception {
        if (publisher != null) {
            publisher.close();
        }
        if (nats != null) {
            nats.close();
        }
        if (observer != null) {
            observer.close();
        }
        if (server != null) {
            server.close();
        }
        flusher.shutdownNow();
    }

    @Test
    void aCorePublishIsAcceptedOnceTheServerHasIt() throws Exception {
        start(false, null);
        Subscription subscription = observer.subscribe("CREATE_RESOURCE");
        observer.flush(TIMEOUT);

        publisher.publish(message("CREATE_RESOURCE", "one", null)).get(10, TimeUnit.SECONDS);
        assertEquals("one", text(subscription.nextMessage(TIMEOUT)));
    }

    @Test
    void whileNatsIsDownAPublishFailsAtOnceAndNeverGoesOutLater() throws Exception {
        start(false, null);
        int port = server.getPort();
        observer.close();
        server.close();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (nats.isConnected() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }

        CompletableFuture<Void> duringOutage = publisher.publish(message("CREATE_RESOURCE", "lost?", null));
        assertTrue(duringOutage.isCompletedExceptionally(), "failed at once, not after a timeout");
        ExecutionException failure = assertThrows(ExecutionException.class, duringOutage::get);
        assertInstanceOf(NotConfirmedException.class, failure.getCause());

        start(false, port);
        Subscription subscription = observer.subscribe("CREATE_RESOURCE");
        observer.flush(TIMEOUT);
        publishAsASenderWould("after");
        assertEquals("after", text(subscription.nextMessage(TIMEOUT)), "the failed publish was not kept for later");
    }

    /**
     * Publishes until confirmed, as a sender retries a stream that was reset, with a short backoff, for at most 30 s:
     * right after a reconnect a round trip can go unanswered until the client gives the connection up (CI saw 9 s
     * of unanswered pings, then "Max outgoing Ping count exceeded" and a second reconnect).
     */
    private void publishAsASenderWould(String body) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                publisher.publish(message("CREATE_RESOURCE", body, null)).get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof NotConfirmedException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(250); // the sender's backoff before it tries again
            }
        }
    }

    @Test
    void aStreamCapturingTheSubjectMustAcknowledge() throws Exception {
        start(true, null);
        observer.jetStreamManagement().addStream(StreamConfiguration.builder().name("ONE_ONLY").subjects("CREATE_RESOURCE")
                .maxMessages(1).discardPolicy(DiscardPolicy.New).build());

        publisher.publish(message("CREATE_RESOURCE", "first", "peer:1")).get(10, TimeUnit.SECONDS);
        // the same Nats-Msg-Id: the stream acknowledges it as a duplicate and keeps one
        publisher.publish(message("CREATE_RESOURCE", "first", "peer:1")).get(10, TimeUnit.SECONDS);
        // the stream is full and refuses more: not accepted, though the server processed the publish
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> publisher.publish(message("CREATE_RESOURCE", "second", "peer:2")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(NotConfirmedException.class, refused.getCause());
        assertEquals(1, observer.jetStreamManagement().getStreamInfo("ONE_ONLY").getStreamState().getMsgCount());
    }

    private void awaitConnected() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!nats.isConnected()) {
            assertTrue(System.nanoTime() < deadline, "not connected to " + server.getURI());
            Thread.sleep(20);
        }
    }

    private static NatsMessage message(String subject, String body, String msgId) {
        Headers headers = msgId == null ? null : new Headers().add("Nats-Msg-Id", msgId);
        return NatsMessage.builder().subject(subject).data(body.getBytes(StandardCharsets.UTF_8)).headers(headers).build();
    }

    private static String text(io.nats.client.Message message) {
        assertNotNull(message, "nothing arrived");
        return new String(message.getData(), StandardCharsets.UTF_8);
    }
}
