package org.opencloud.discovery.node;

import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.opencloud.discovery.p2p.host.MessageTooLargeException;
import org.opencloud.discovery.propagation.PropagationException;
import org.opencloud.discovery.propagation.PropagationException.Reason;

/**
 * The search-result consumer's exception handler ({@code exceptionHandler=#resultStreamCuts}): a result line over
 * {@code oc.search.max-result-bytes} has reset the stream before any route saw it; it is counted and logged as a
 * cut (OVERSIZED), like the other cuts, and kept off NATS, as refused peers' messages are.
 */
final class ResultStreamCuts implements ExceptionHandler {
    private final SearchRequests requests;

    ResultStreamCuts(SearchRequests requests) {
        this.requests = requests;
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
        Reason reason = exception instanceof MessageTooLargeException ? Reason.OVERSIZED : Reason.MALFORMED_JSON;
        requests.cut(new PropagationException(reason, message));
    }
}
