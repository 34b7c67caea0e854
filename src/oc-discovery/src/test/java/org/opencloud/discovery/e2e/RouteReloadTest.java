package org.opencloud.discovery.e2e;

import io.nats.client.Message;
import io.nats.client.Subscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.opencloud.discovery.e2e.NodeFixture.ERRORS;
import static org.opencloud.discovery.e2e.NodeFixture.next;

/** Routes are reloaded when edited in place: an operator changes the flow of a running node. */
class RouteReloadTest {
    private static final String EDITION_HEADER = "OcRoutesEdition";
    private static final String NOT_JSON = "{not json";

    @TempDir
    Path dir;
    private NodeFixture a;

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
    }

    @Test
    void editedRouteFileTakesEffectInTheRunningNode() throws Exception {
        Path routes = copyOfProjectRoutes();
        a = new NodeFixture("node-a", dir).routes(routes).set("camel.main.routesReloadEnabled", "true")
                .peers(List.of()).start();
        Subscription errors = a.subscribe(ERRORS);
        a.publish("PROPALGATION_EVENT", NOT_JSON);
        assertNull(next(errors).getHeaders().getFirst(EDITION_HEADER), "the original rejected route");

        Path errorRoutes = routes.resolve("errors.camel.yaml");
        String original = Files.readString(errorRoutes);
        String edited = original.replace("""
                        - to: "{{oc.error.uri}}"
                """, """
                        - setHeader:
                            name: OcRoutesEdition
                            constant: "2"
                        - to: "{{oc.error.uri}}"
                """);
        assertEquals(-1, original.indexOf(EDITION_HEADER));
        Files.writeString(errorRoutes, edited);

        assertEquals("2", awaitEditionHeader(errors), "the edited rejected route runs");
    }

    /** Publishes bad input until a rejection carries the edition header (reloading takes a moment). */
    private String awaitEditionHeader(Subscription errors) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            a.publish("PROPALGATION_EVENT", NOT_JSON);
            Message rejected = next(errors);
            String edition = rejected.getHeaders().getFirst(EDITION_HEADER);
            if (edition != null) {
                return edition;
            }
            NodeFixture.sleep(Duration.ofMillis(500));
        }
        return null;
    }

    private Path copyOfProjectRoutes() throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> files = Files.list(NodeFixture.PROJECT_ROUTES)) {
            for (Path file : files.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        return routes;
    }
}
