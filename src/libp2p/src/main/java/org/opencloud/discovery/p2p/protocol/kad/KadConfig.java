package org.opencloud.discovery.p2p.protocol.kad;

import org.opencloud.discovery.p2p.core.Multiaddr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Settings of a {@link KadDht}; mutable while building, read once by {@link KadDht#install}. */
public final class KadConfig {
    /** go-libp2p-kad-dht's bucket size and answer size. */
    public static final int K = 20;
    static final int MAX_ALPHA = 10;

    private String protocolPrefix = "/oc";
    private boolean serverMode = true;
    private int alpha = 3;
    private int maxMessageSize = 256 * 1024;
    private int maxRecords = 4096;
    private int maxRecordSize = 16 * 1024;
    private Duration maxRecordAge = Duration.ofHours(36);
    private Duration queryTimeout = Duration.ofSeconds(10);
    private Duration lookupTimeout = Duration.ofSeconds(30);
    private Duration refreshInterval = Duration.ofMinutes(10);
    private Duration idleStreamTimeout = Duration.ofMinutes(1);
    private final List<Multiaddr> bootstrapPeers = new ArrayList<>();
    private final RecordValidators validators = new RecordValidators();

    /** {@code /oc} gives protocol {@code /oc/kad/1.0.0}; {@code /ipfs} is the public IPFS DHT. */
    public KadConfig protocolPrefix(String prefix) {
        this.protocolPrefix = Objects.requireNonNull(prefix, "prefix");
        return this;
    }

    /** A server serves the protocol (identify lists it) and may enter others' tables; a client only asks. */
    public KadConfig serverMode(boolean server) {
        this.serverMode = server;
        return this;
    }

    /** Queries in flight per lookup, 1 to {@value #MAX_ALPHA}. */
    public KadConfig alpha(int alpha) {
        if (alpha < 1 || alpha > MAX_ALPHA) {
            throw new IllegalArgumentException("alpha must be 1 to " + MAX_ALPHA + ": " + alpha);
        }
        this.alpha = alpha;
        return this;
    }

    /** Largest frame read, refused from its length prefix. */
    public KadConfig maxMessageSize(int bytes) {
        this.maxMessageSize = bytes;
        return this;
    }

    public KadConfig maxRecords(int max) {
        this.maxRecords = max;
        return this;
    }

    /** Largest value stored for others. */
    public KadConfig maxRecordSize(int bytes) {
        this.maxRecordSize = bytes;
        return this;
    }

    /** A stored record is dropped this long after it arrived, whatever its validator says. */
    public KadConfig maxRecordAge(Duration age) {
        this.maxRecordAge = age;
        return this;
    }

    /** One request: opening the stream, sending, and reading the answer. */
    public KadConfig queryTimeout(Duration timeout) {
        this.queryTimeout = timeout;
        return this;
    }

    /** A whole lookup; it returns what it found by then. */
    public KadConfig lookupTimeout(Duration timeout) {
        this.lookupTimeout = timeout;
        return this;
    }

    /** How often the table is refreshed by a lookup of our own id and of a random id; zero for never. */
    public KadConfig refreshInterval(Duration interval) {
        this.refreshInterval = interval;
        return this;
    }

    /** An inbound stream with no request for this long is reset (go keeps its streams a minute). */
    public KadConfig idleStreamTimeout(Duration timeout) {
        this.idleStreamTimeout = timeout;
        return this;
    }

    /** A peer to join the DHT through, with {@code /p2p/<id>}. */
    public KadConfig bootstrapPeer(Multiaddr address) {
        if (address.peerId() == null) {
            throw new IllegalArgumentException("a bootstrap address needs /p2p/<id>: " + address);
        }
        bootstrapPeers.add(address);
        return this;
    }

    /** Registers the validator of keys {@code /namespace/...}. */
    public KadConfig validator(String namespace, RecordValidator validator) {
        validators.register(namespace, validator);
        return this;
    }

    public String protocol() {
        return protocolPrefix + "/kad/1.0.0";
    }

    boolean serverMode() {
        return serverMode;
    }

    int alpha() {
        return alpha;
    }

    int maxMessageSize() {
        return maxMessageSize;
    }

    int maxRecords() {
        return maxRecords;
    }

    int maxRecordSize() {
        return maxRecordSize;
    }

    Duration maxRecordAge() {
        return maxRecordAge;
    }

    Duration queryTimeout() {
        return queryTimeout;
    }

    Duration lookupTimeout() {
        return lookupTimeout;
    }

    Duration refreshInterval() {
        return refreshInterval;
    }

    Duration idleStreamTimeout() {
        return idleStreamTimeout;
    }

    List<Multiaddr> bootstrapPeers() {
        return List.copyOf(bootstrapPeers);
    }

    RecordValidators validators() {
        return validators;
    }
}
