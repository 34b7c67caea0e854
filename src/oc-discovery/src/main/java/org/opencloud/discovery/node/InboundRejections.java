package org.opencloud.discovery.node;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.spi.ExceptionHandler;

/**
 * The inbound {@code libp2p:} endpoints' exception handler ({@code exceptionHandler=#inboundRejections}): what
 * a consumer refuses before any route sees it (a message over maxMessageSize) goes to the error path
 * ({@code direct:rejected}) with the sender's headers, like the messages the routes reject.
 */
final class InboundRejections implements ExceptionHandler {
    private final ProducerTemplate template;

    InboundRejections(ProducerTemplate template) {
        this.template = template;
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(exception.getMessage(), null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        template.send("direct:rejected", rejected -> {
            if (exchange != null) {
                rejected.getIn().setHeaders(exchange.getIn().getHeaders());
            }
            rejected.getIn().setBody(message);
            rejected.setProperty(Exchange.EXCEPTION_CAUGHT, exception);
        });
    }
}
