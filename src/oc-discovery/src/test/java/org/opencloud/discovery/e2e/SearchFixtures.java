package org.opencloud.discovery.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.builder.NotifyBuilder;
import org.opencloud.discovery.node.NodeMetrics;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.opencloud.discovery.e2e.NodeFixture.WAIT;
import static org.opencloud.discovery.e2e.NodeFixture.propagationEvent;

/** What the resource-search tests share: resources, the events that propagate them, and the search counters. */
final class SearchFixtures {
    private SearchFixtures() {
    }

    /** Publishes the events on the node's NATS, as its apps do, and waits until its outbound route has taken each. */
    static void propagate(NodeFixture node, List<String> events) {
        NotifyBuilder done = new NotifyBuilder(node.node().context()).fromRoute("propagation-outbound")
                .whenDone(events.size()).create();
        events.forEach(e -> node.publish("PROPALGATION_EVENT", e));
        assertTrue(done.matches(WAIT.toMillis(), TimeUnit.MILLISECONDS), node.name() + " did not take its events");
    }

    static String event(String action, String dataType, String resource) {
        return propagationEvent("resources-app", action, dataType, resource, true);
    }

    static String resource(String id, String name, String access, String creator, String sharedWith) {
        ObjectNode resource = NodeFixture.JSON.createObjectNode().put("id", id).put("name", name)
                .put("description", "a resource of the test").put("access", access).put("creator_id", creator);
        if (sharedWith != null) {
            resource.putObject("partnerships").putObject(sharedWith).putArray("rights").add("read");
        }
        return resource.toString();
    }

    /** Search events {@code node} refused, for {@code reason}. */
    static long refused(NodeFixture node, String reason) {
        return metrics(node).countsByReason("oc.search.refused").getOrDefault(reason, 0L);
    }

    static NodeMetrics metrics(NodeFixture node) {
        return node.node().context().getRegistry().lookupByNameAndType("nodeMetrics", NodeMetrics.class);
    }
}
