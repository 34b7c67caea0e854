package org.opencloud.discovery.p2p.multistream;

import static org.opencloud.discovery.p2p.multistream.MultistreamCodec.HEADER;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodec.LIST;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodec.NOT_AVAILABLE;
import static org.opencloud.discovery.p2p.multistream.MultistreamCodec.abbreviate;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.opencloud.discovery.p2p.core.Libp2pException;

/**
 * One multistream-select 1.0 negotiation, in either role, independent of any transport: bytes go in
 * through {@link #onRead}, bytes to send come out of {@link #start} and {@link #onRead}. The same
 * object therefore runs on a Netty channel ({@link MultistreamHandler}) and on a
 * {@link org.opencloud.discovery.p2p.mux.MuxedStream}.
 *
 * <p>Usage: send the buffer {@link #start} returns; then pass every inbound buffer to
 * {@link #onRead}, send the {@link Step#output()} it returns, and stop when {@link Step#isDone()}.
 * Whatever is still readable in the inbound buffer at that point belongs to the selected protocol.
 *
 * <p>Not thread-safe: call it from one thread (the channel's or stream's event loop). Once a method
 * has thrown, the negotiation is failed and must be dropped along with its transport.
 */
public final class MultistreamNegotiation {

    /**
     * The result of one {@link #onRead} call.
     *
     * @param output bytes to send now, or {@code null}; the caller owns them and must write or release them
     * @param selectedProtocol the agreed protocol id once negotiation has finished, else {@code null}
     */
    public record Step(ByteBuf output, String selectedProtocol) {
        /** True when a protocol was selected; the remaining inbound bytes belong to it. */
        public boolean isDone() {
            return selectedProtocol != null;
        }
    }

    private enum State { NEW, AWAITING_HEADER, AWAITING_ANSWER, DONE, FAILED }

    private final List<String> proposals;
    private final Predicate<String> supported;
    private State state = State.NEW;
    private boolean headerReceived;
    private int proposalIndex;
    private String selectedProtocol;

    private MultistreamNegotiation(List<String> proposals, Predicate<String> supported) {
        this.proposals = proposals;
        this.supported = supported;
    }

    /**
     * The dialer's (or stream opener's) side: proposes {@code protocols} in order until the
     * responder echoes one.
     */
    public static MultistreamNegotiation initiator(List<String> protocols) {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("an initiator needs at least one protocol to propose");
        }
        return new MultistreamNegotiation(List.copyOf(protocols), null);
    }

    /** The listener's (or stream acceptor's) side: accepts the first proposal {@code supported} allows. */
    public static MultistreamNegotiation responder(Predicate<String> supported) {
        return new MultistreamNegotiation(null, Objects.requireNonNull(supported, "supported"));
    }

    public boolean isInitiator() {
        return proposals != null;
    }

    /** True once the peer's {@code /multistream/1.0.0} header has been read and accepted. */
    public boolean isHeaderReceived() {
        return headerReceived;
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    /** The agreed protocol id, or {@code null} before the negotiation has finished. */
    public String selectedProtocol() {
        return selectedProtocol;
    }

    /**
     * The first bytes to send, never {@code null}; the caller owns them. The initiator sends header
     * and first proposal in one buffer (one flush). The responder sends its header at once without
     * waiting for the initiator's, as go does; js accepts either order.
     */
    public ByteBuf start(ByteBufAllocator alloc) {
        if (state != State.NEW) {
            throw new IllegalStateException("negotiation already started");
        }
        state = State.AWAITING_HEADER;
        return isInitiator()
                ? MultistreamCodec.encode(alloc, HEADER, proposals.get(0))
                : MultistreamCodec.encode(alloc, HEADER);
    }

    /**
     * Consumes complete messages from {@code in} up to and including the one that selects a protocol;
     * later bytes stay unread in {@code in}. A partial message stays unread too: call again with it
     * followed by more bytes. Does not release {@code in}.
     *
     * @throws Libp2pException when the peer breaks the protocol or no proposal is accepted
     */
    public Step onRead(ByteBuf in, ByteBufAllocator alloc) {
        if (state == State.NEW) {
            throw new IllegalStateException("call start() before onRead()");
        }
        if (state == State.DONE) {
            return new Step(null, selectedProtocol);
        }
        if (state == State.FAILED) {
            throw new IllegalStateException("negotiation already failed");
        }
        ByteBuf output = null;
        try {
            String message;
            while (state != State.DONE && (message = MultistreamCodec.read(in)) != null) {
                String reply = handle(message);
                if (reply != null) {
                    if (output == null) {
                        output = alloc.buffer();
                    }
                    MultistreamCodec.write(output, reply);
                }
            }
            return new Step(output, selectedProtocol);
        } catch (RuntimeException e) {
            state = State.FAILED;
            if (output != null) {
                output.release();
            }
            throw e;
        }
    }

    /** Advances the state for one inbound message; returns the message to answer with, if any. */
    private String handle(String message) {
        if (state == State.AWAITING_HEADER) {
            if (!HEADER.equals(message)) {
                throw new Libp2pException("expected " + HEADER + ", got " + abbreviate(message));
            }
            headerReceived = true;
            state = State.AWAITING_ANSWER;
            return null;
        }
        return isInitiator() ? handleAnswer(message) : handleProposal(message);
    }

    private String handleAnswer(String answer) {
        String proposed = proposals.get(proposalIndex);
        if (proposed.equals(answer)) {
            select(proposed);
            return null;
        }
        if (!NOT_AVAILABLE.equals(answer)) {
            throw new Libp2pException("unexpected answer " + abbreviate(answer) + " to proposal " + proposed);
        }
        proposalIndex++;
        if (proposalIndex == proposals.size()) {
            throw new Libp2pException("protocol not supported: " + proposals);
        }
        return proposals.get(proposalIndex);
    }

    private String handleProposal(String proposal) {
        // "ls" is optional and go no longer lists; "na" is a valid answer that ends nothing.
        if (!LIST.equals(proposal) && !NOT_AVAILABLE.equals(proposal) && supported.test(proposal)) {
            select(proposal);
            return proposal;
        }
        return NOT_AVAILABLE;
    }

    private void select(String protocol) {
        selectedProtocol = protocol;
        state = State.DONE;
    }
}
