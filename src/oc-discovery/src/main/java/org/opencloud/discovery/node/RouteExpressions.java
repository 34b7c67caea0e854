package org.opencloud.discovery.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Message;
import org.apache.camel.Predicate;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.ExpressionAdapter;
import org.opencloud.discovery.camel.Libp2pConstants;
import org.opencloud.discovery.propagation.codec.PropagationRequest;

import java.util.function.Function;

/**
 * The questions the routes ask of every event, by name ({@code filter: {ref: selfOriginated}}, Camel's ref
 * language): each is one call of the bean that answers it. Camel's method language ({@code method: {ref: ...}})
 * copies the whole exchange, its headers and properties, at each call and merges the copy back
 * (BeanExpression); on the outbound chain that was six copies per event, a tenth of the node's CPU (JFR,
 * propagation benchmark). The steps that change the message stay {@code bean:} steps, which call in place.
 */
final class RouteExpressions {
    private RouteExpressions() {
    }

    static void bind(Registry registry, PropagationRouting propagation, Outbox outbox, ErrorPath errorPath,
                     ReceivedEvents received) {
        // the outbound chain (routes/propagation-outbound.camel.yaml)
        registry.bind("selfOriginated", predicate(e -> propagation.isSelfOriginated(body(e, ObjectNode.class))));
        registry.bind("foreignResource",
                predicate(e -> propagation.isForeignResource(body(e, PropagationRequest.class))));
        registry.bind("streamEvent", expression(e -> propagation.streamEvent(body(e, PropagationRequest.class),
                e.getMessage().getHeader(NatsIntakeConsumer.EVENT_ID, String.class))));
        registry.bind("partners", expression(e -> propagation.partners()));
        registry.bind("considersTargets",
                expression(e -> propagation.considersTargets(body(e, PropagationRequest.class))));
        registry.bind("resourceKey", expression(e -> propagation.resourceKey(body(e, PropagationRequest.class))));
        registry.bind("durableOutbox", predicate(e -> outbox.isDurable()));
        registry.bind("undeliveredTargets", expression(e -> errorPath.undeliveredTargets()));
        registry.bind("someUndelivered", predicate(e -> e.getProperty(ErrorPath.UNDELIVERED_PROPERTY,
                UndeliveredTargets.class).getCount() > 0));
        // the inbound routes (routes/propagation-inbound.camel.yaml)
        registry.bind("publishedBefore", predicate(e -> {
            Message in = e.getMessage();
            return received.isDuplicate(in.getHeader(PropagationRouting.NATS_MSG_ID, String.class),
                    in.getHeader(Libp2pConstants.PEER_ID, String.class), e);
        }));
    }

    private static <T> T body(Exchange exchange, Class<T> type) {
        return exchange.getMessage().getBody(type);
    }

    private static Predicate predicate(java.util.function.Predicate<Exchange> test) {
        return test::test;
    }

    private static Expression expression(Function<Exchange, Object> value) {
        return new ExpressionAdapter() {
            @Override
            public Object evaluate(Exchange exchange) {
                return value.apply(exchange);
            }
        };
    }
}
