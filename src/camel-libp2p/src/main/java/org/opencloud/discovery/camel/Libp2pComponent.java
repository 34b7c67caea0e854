package org.opencloud.discovery.camel;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.camel.Endpoint;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.util.concurrent.ThreadPoolRejectedPolicy;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.opencloud.discovery.p2p.core.KeyFiles;
import org.opencloud.discovery.p2p.core.Multiaddr;
import org.opencloud.discovery.p2p.host.ConnectionGate;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.host.HostConfig;
import org.opencloud.discovery.p2p.host.StreamGate;
import org.opencloud.discovery.p2p.pnet.SwarmKey;
import org.opencloud.discovery.p2p.protocol.StandardProtocols;
import org.opencloud.discovery.p2p.protocol.identify.IdentifyService;
import org.opencloud.discovery.p2p.protocol.kad.KadConfig;
import org.opencloud.discovery.p2p.protocol.kad.KadDht;
import org.opencloud.discovery.p2p.protocol.pubsub.GossipConfig;
import org.opencloud.discovery.p2p.protocol.pubsub.Gossipsub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The libp2p component: one {@link Host} per CamelContext, shared by every {@code libp2p:} endpoint.
 * It creates, starts and closes that host itself, unless one is given with the {@code host} option:
 * then the host's owner installs its protocols, starts it and closes it.
 */
@Component("libp2p")
public class Libp2pComponent extends Libp2pLimitOptions {
    private static final Logger LOG = LoggerFactory.getLogger(Libp2pComponent.class);
    /** How finely delivery timeouts are kept: the wheel's tick (a timeout fires at most one tick late). */
    private static final long TIMEOUT_TICK_MS = 20;

    @Metadata(label = "security")
    private String identityKeyFile;
    @Metadata(defaultValue = "/ip4/0.0.0.0/tcp/4001")
    private String listenAddresses = "/ip4/0.0.0.0/tcp/4001";
    @Metadata(label = "security")
    private String swarmKeyFile;
    @Metadata(label = "security", defaultValue = "false")
    private boolean privateNetworkRequired;
    @Metadata(defaultValue = "4194304")
    private int maxMessageSize = 4 << 20;
    @Metadata(label = "advanced", defaultValue = "10000", javaType = "java.time.Duration")
    private long handshakeTimeout = 10000;
    @Metadata(label = "advanced", defaultValue = "120000", javaType = "java.time.Duration")
    private long idleTimeout = 120000;
    @Metadata(label = "advanced", defaultValue = "60000", javaType = "java.time.Duration")
    private long streamIdleTimeout = 60000;
    @Metadata(label = "advanced")
    private String agentVersion;
    @Metadata(label = "security", autowired = true)
    private ConnectionGate connectionGate;
    @Metadata(label = "security", autowired = true)
    private StreamGate streamGate;
    @Metadata(label = "security", defaultValue = "10")
    private int streamRefusalsBeforeBackoff = 10;
    @Metadata(label = "security", defaultValue = "10000", javaType = "java.time.Duration")
    private long streamRefusalWindow = 10000;
    @Metadata(label = "security", defaultValue = "60000", javaType = "java.time.Duration")
    private long peerBackoff = 60000;
    @Metadata(label = "producer", autowired = true)
    private Libp2pPeerAddressResolver peerAddressResolver;
    @Metadata(label = "advanced", autowired = true)
    private Host host;
    @Metadata(label = "advanced")
    private KadConfig dhtConfig;
    @Metadata(label = "advanced")
    private GossipConfig pubsubConfig;

    private volatile Host activeHost;
    private volatile KadDht activeDht;
    private volatile Gossipsub activePubsub;
    private ExecutorService workerPool;
    private volatile HashedWheelTimer timeouts;
    private volatile Libp2pDeliveryWindow deliveryWindow;
    private Libp2pHealthCheck healthCheck;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!remaining.startsWith("/") && !remaining.startsWith(Libp2pConfiguration.PUBSUB_PREFIX)) {
            // libp2p:/a/1.0 keeps its slash; libp2p://a/1.0 would silently serve "a/1.0"
            throw new IllegalArgumentException("the protocol id in " + uri + " must start with '/', as in"
                    + " libp2p:/opencloud/resource/create/1.0, or name a topic, as in libp2p:pubsub:search");
        }
        if (remaining.equals(Libp2pConfiguration.PUBSUB_PREFIX)) {
            throw new IllegalArgumentException(uri + " names no topic, as libp2p:pubsub:search would");
        }
        Libp2pConfiguration configuration = new Libp2pConfiguration();
        configuration.setProtocol(remaining);
        configuration.setMaxMessageSize(maxMessageSize);
        Libp2pEndpoint endpoint = new Libp2pEndpoint(uri, this, configuration);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ExecutorServiceManager executors = getCamelContext().getExecutorServiceManager();
        // Unbounded queues: Camel's default of 1,000 queued tasks failed deliveries beyond 1,000 in
        // flight; what is in flight is bounded by the delivery window, what waits is exchanges already in memory.
        ThreadPoolProfile defaults = executors.getDefaultThreadPoolProfile();
        // as many threads as the default profile allows at most: with a queue, a pool never grows past its core size
        workerPool = executors.newThreadPool(this, "Libp2pWorker",
                unboundedQueue("Libp2pWorker", defaults, defaults.getMaxPoolSize()));
        // a wheel: each delivery arms a timeout and nearly all are cancelled; a heap-ordered scheduler paid a
        // logarithmic removal under its lock at every delivery (2 % of the sender's CPU)
        timeouts = new HashedWheelTimer(new DefaultThreadFactory("libp2p-timeouts", true),
                TIMEOUT_TICK_MS, TimeUnit.MILLISECONDS);
        deliveryWindow = new Libp2pDeliveryWindow(getMaxDeliveriesInFlightPerPeer(), getMaxDeliveriesInFlight(), workerPool);
        activeHost = host != null ? host : createHost();
        if (host != null) { // a host the component creates logs its own start
            LOG.info("libp2p component on the given host {} listening on {}", activeHost.peerId(),
                    activeHost.listenAddresses());
        }
        HealthCheckRegistry registry = HealthCheckRegistry.get(getCamelContext());
        if (registry != null) {
            healthCheck = new Libp2pHealthCheck(this);
            healthCheck.setCamelContext(getCamelContext());
            registry.register(healthCheck);
        }
    }

    /**
     * Camel's default profile with {@code poolSize} threads and no bound on queued tasks; a task given
     * once it is shut down is refused with an exception (Camel's default, caller-runs, drops it silently then), so
     * that whoever gave it runs it itself. The bound is {@code Integer.MAX_VALUE}, not -1: Camel reads a size of 0 or
     * less as a hand-over without a queue, which refused every task given while all the threads were busy (inbound
     * streams reset by their receiver when more arrived at once than it has workers).
     */
    private static ThreadPoolProfile unboundedQueue(String id, ThreadPoolProfile defaults, int poolSize) {
        ThreadPoolProfile profile = defaults.clone();
        profile.setId(id);
        profile.setDefaultProfile(false);
        profile.setMaxQueueSize(Integer.MAX_VALUE);
        profile.setRejectedPolicy(ThreadPoolRejectedPolicy.Abort);
        profile.setPoolSize(poolSize);
        return profile;
    }

    @Override
    protected void doStop() throws Exception {
        Libp2pDeliveryWindow window = deliveryWindow;
        deliveryWindow = null; // new deliveries fail as not started
        Host closing = activeHost;
        activeHost = null; // and so does every delivery that starts from now on: none dials a host that is closing
        if (window != null) { // those still waiting fail at once
            window.close();
        }
        if (healthCheck != null) {
            HealthCheckRegistry.get(getCamelContext()).unregister(healthCheck);
            healthCheck = null;
        }
        if (activePubsub != null) {
            activePubsub.close();
            activePubsub = null;
        }
        if (activeDht != null) {
            activeDht.close();
            activeDht = null;
        }
        if (closing != null && closing != host) {
            closing.close(); // the deliveries in flight fail with their streams
        }
        ExecutorServiceManager executors = getCamelContext().getExecutorServiceManager();
        if (timeouts != null) {
            timeouts.stop(); // a delivery still armed ends with the component's stop, as its exchange does
            timeouts = null;
        }
        if (workerPool != null) {
            executors.shutdown(workerPool);
            workerPool = null;
        }
        super.doStop();
    }

    private Host createHost() {
        if (identityKeyFile == null || identityKeyFile.isBlank()) {
            throw new IllegalArgumentException("libp2p component: identityKeyFile must be set (the node's identity,"
                    + " created on first start), unless a host is given");
        }
        HostConfig config = HostConfig.withIdentity(KeyFiles.loadOrCreateIdentity(Path.of(identityKeyFile)))
                .privateNetworkRequired(privateNetworkRequired)
                .resourceLimits(resourceLimits())
                .maxMessageSize(maxMessageSize)
                .handshakeTimeout(Duration.ofMillis(handshakeTimeout))
                .idleTimeout(Duration.ofMillis(idleTimeout))
                .streamIdleTimeout(Duration.ofMillis(streamIdleTimeout))
                .streamRefusalsBeforeBackoff(streamRefusalsBeforeBackoff)
                .streamRefusalWindow(Duration.ofMillis(streamRefusalWindow))
                .peerBackoff(Duration.ofMillis(peerBackoff));
        for (String address : listenAddresses.split(",")) {
            if (!address.isBlank()) {
                config.listen(Multiaddr.of(address.trim()));
            }
        }
        if (swarmKeyFile != null && !swarmKeyFile.isBlank()) {
            config.privateNetworkKey(SwarmKey.read(Path.of(swarmKeyFile)));
        }
        if (agentVersion != null) {
            config.agentVersion(agentVersion);
        }
        if (connectionGate != null) {
            config.gate(connectionGate);
        }
        if (streamGate != null) {
            config.streamGate(streamGate);
        }
        Host created = new Host(config);
        IdentifyService identify = StandardProtocols.install(created);
        created.start();
        if (dhtConfig != null) { // after start: it bootstraps at once
            activeDht = KadDht.install(created, identify, dhtConfig);
        }
        if (pubsubConfig != null) {
            activePubsub = Gossipsub.install(created, identify, pubsubConfig);
        }
        return created;
    }

    /** The gossipsub the component runs on the host it created ({@code pubsubConfig}), or null. */
    public Gossipsub activePubsub() {
        return activePubsub;
    }

    public GossipConfig getPubsubConfig() {
        return pubsubConfig;
    }

    /**
     * Run gossipsub v1.1 on the host the component creates, configured by this bean (mesh degree, heartbeat,
     * message id, per-peer limits); none when unset, nor on a given host. Topics are joined and published through
     * activePubsub().
     */
    public void setPubsubConfig(GossipConfig pubsubConfig) {
        this.pubsubConfig = pubsubConfig;
    }

    /** The DHT the component runs on the host it created ({@code dhtConfig}), or null. */
    public KadDht activeDht() {
        return activeDht;
    }

    public KadConfig getDhtConfig() {
        return dhtConfig;
    }

    /**
     * Run a Kademlia DHT on the host the component creates, configured by this bean (protocol prefix, server or
     * client mode, validators per key namespace, bootstrap peers); none when unset, nor on a given host.
     */
    public void setDhtConfig(KadConfig dhtConfig) {
        this.dhtConfig = dhtConfig;
    }

    /** The host in use while the component runs (given or created); null before start and after stop. */
    public Host activeHost() {
        return activeHost;
    }

    /** Runs route work off the host's event loops. */
    ExecutorService workerPool() {
        return workerPool;
    }

    /** Runs producer timeouts. */
    Timer timeouts() {
        return timeouts;
    }

    Libp2pDeliveryWindow deliveryWindow() {
        return deliveryWindow;
    }

    public String getIdentityKeyFile() {
        return identityKeyFile;
    }

    /** File holding the node's identity key (libp2p protobuf); created with mode 0600 on first start. */
    public void setIdentityKeyFile(String identityKeyFile) {
        this.identityKeyFile = identityKeyFile;
    }

    public String getListenAddresses() {
        return listenAddresses;
    }

    /** Comma-separated multiaddrs to listen on; port 0 picks a free port. */
    public void setListenAddresses(String listenAddresses) {
        this.listenAddresses = listenAddresses;
    }

    public String getSwarmKeyFile() {
        return swarmKeyFile;
    }

    /** A swarm.key file (/key/swarm/psk/1.0.0/): join that private network. */
    public void setSwarmKeyFile(String swarmKeyFile) {
        this.swarmKeyFile = swarmKeyFile;
    }

    public boolean isPrivateNetworkRequired() {
        return privateNetworkRequired;
    }

    /** Refuse to start without a swarmKeyFile (go-libp2p's LIBP2P_FORCE_PNET). */
    public void setPrivateNetworkRequired(boolean privateNetworkRequired) {
        this.privateNetworkRequired = privateNetworkRequired;
    }

    public int getMaxMessageSize() {
        return maxMessageSize;
    }

    /** Largest message read, in bytes; endpoints may override it. */
    public void setMaxMessageSize(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }

    public long getHandshakeTimeout() {
        return handshakeTimeout;
    }

    /** Time allowed for a connection's security and muxer handshakes (milliseconds, or a duration such as 10s). */
    public void setHandshakeTimeout(long handshakeTimeout) {
        this.handshakeTimeout = handshakeTimeout;
    }

    public long getIdleTimeout() {
        return idleTimeout;
    }

    /** A connection without streams for this long is closed (milliseconds, or a duration such as 2m). */
    public void setIdleTimeout(long idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public long getStreamIdleTimeout() {
        return streamIdleTimeout;
    }

    /** A stream on which no data moved either way for this long is reset (milliseconds, or a duration such as 1m). */
    public void setStreamIdleTimeout(long streamIdleTimeout) {
        this.streamIdleTimeout = streamIdleTimeout;
    }

    public String getAgentVersion() {
        return agentVersion;
    }

    /** The agent version identify announces; defaults to oc-discovery-camel/ and the build version. */
    public void setAgentVersion(String agentVersion) {
        this.agentVersion = agentVersion;
    }

    public ConnectionGate getConnectionGate() {
        return connectionGate;
    }

    /** Decides which authenticated peers may connect (a bean implementing ConnectionGate). */
    public void setConnectionGate(ConnectionGate connectionGate) {
        this.connectionGate = connectionGate;
    }

    public StreamGate getStreamGate() {
        return streamGate;
    }

    /**
     * Decides which inbound streams reach their consumer once their protocol is agreed, before any byte is read (a bean
     * implementing StreamGate); a refused stream is reset.
     */
    public void setStreamGate(StreamGate streamGate) {
        this.streamGate = streamGate;
    }

    public int getStreamRefusalsBeforeBackoff() {
        return streamRefusalsBeforeBackoff;
    }

    /** A peer with this many streams refused by the streamGate within streamRefusalWindow is disconnected and backed off. */
    public void setStreamRefusalsBeforeBackoff(int streamRefusalsBeforeBackoff) {
        this.streamRefusalsBeforeBackoff = streamRefusalsBeforeBackoff;
    }

    public long getStreamRefusalWindow() {
        return streamRefusalWindow;
    }

    /** The window in which streamRefusalsBeforeBackoff refusals back a peer off (milliseconds, or a duration such as 10s). */
    public void setStreamRefusalWindow(long streamRefusalWindow) {
        this.streamRefusalWindow = streamRefusalWindow;
    }

    public long getPeerBackoff() {
        return peerBackoff;
    }

    /** How long a backed-off peer's connections are refused (milliseconds, or a duration such as 1m). */
    public void setPeerBackoff(long peerBackoff) {
        this.peerBackoff = peerBackoff;
    }

    public Libp2pPeerAddressResolver getPeerAddressResolver() {
        return peerAddressResolver;
    }

    /** Finds a peer's addresses when a producer has only its id (a bean implementing Libp2pPeerAddressResolver). */
    public void setPeerAddressResolver(Libp2pPeerAddressResolver peerAddressResolver) {
        this.peerAddressResolver = peerAddressResolver;
    }

    public Host getHost() {
        return host;
    }

    /** A host to use instead of creating one; its owner starts and closes it. */
    public void setHost(Host host) {
        this.host = host;
    }
}
