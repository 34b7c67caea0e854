package org.opencloud.discovery.node;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.opencloud.discovery.camel.Libp2pComponent;
import org.opencloud.discovery.p2p.host.Host;
import org.opencloud.discovery.p2p.protocol.kad.KadConfig;
import org.opencloud.discovery.p2p.protocol.pubsub.GossipConfig;
import org.opencloud.discovery.propagation.catalogue.ResourceCatalogue;
import org.opencloud.discovery.propagation.codec.CodecTable;
import org.opencloud.discovery.propagation.codec.PropagationCodec;
import org.opencloud.discovery.propagation.codec.ResourceProtocols;
import org.opencloud.discovery.propagation.dedup.RecentEventIds;
import org.opencloud.discovery.propagation.directory.EmbeddedPeerStore;
import org.opencloud.discovery.propagation.directory.MongoPeerStore;
import org.opencloud.discovery.propagation.directory.PeerDirectory;
import org.opencloud.discovery.propagation.directory.PeerDirectorySync;
import org.opencloud.discovery.propagation.directory.PeerJsonMapper;
import org.opencloud.discovery.propagation.directory.PeerRecord;
import org.opencloud.discovery.propagation.directory.PeerStore;
import org.opencloud.discovery.propagation.directory.SignedNodeRecords;
import org.opencloud.discovery.propagation.search.PendingSearches;
import org.opencloud.discovery.propagation.security.Authorization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Binds the beans the routes and the libp2p component refer to, from the {@code oc.*} properties:
 * the NATS connection every {@code nats:} and {@code nats-intake:} endpoint shares ({@code oc.nats.servers}), the
 * intake's stream and durable consumer ({@code oc.jetstream.*}), the partners' outboxes ({@code oc.outbox.*}), the codec ({@code oc.codec.file}), the peer
 * directory (MongoDB at {@code oc.mongo.uri}, or the in-process store under {@code oc.data-dir} when none is set)
 * seeded from {@code oc.peers.file}, the
 * authorization that gates connections, the propagation bean, the inbound routes' confirmed publishing and record of
 * received event ids ({@code oc.inbound.*}), the resource catalogue and the search beans ({@link SearchConfiguration}),
 * the node's metrics and readiness checks.
 */
public final class NodeConfiguration implements CamelConfiguration {
    /** A node record expiring later than this is refused: nobody's record lives for ever on the DHT. */
    private static final Duration MAX_RECORD_LIFETIME = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(NodeConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent props = context.getPropertiesComponent();
        String codecFile = props.resolveProperty("oc.codec.file").orElse("");
        CodecTable table = codecFile.isBlank() || !Files.exists(Path.of(codecFile))
                ? CodecTable.defaults() : CodecTable.fromFile(Path.of(codecFile));
        String appName = setting(props, "oc.app-name");
        PropagationCodec codec = new PropagationCodec(table, appName);

        Resources resources = new Resources();
        context.addService(resources);
        resources.nats = new NodeNatsConnection(props.resolveProperty("oc.nats.servers").orElseThrow(),
                context.getName());
        context.addComponent("nats", new SharedConnectionNatsComponent(resources.nats::connection));
        context.addComponent("nats-confirmed", new NatsConfirmedComponent(resources.nats,
                millis(props, "oc.inbound.publish-timeout-ms")));
        IntakeState intake = new IntakeState();
        context.addComponent("nats-intake", new NatsIntakeComponent(resources.nats,
                JetStreamIntakeSettings.from(props, context.getName()), intake));

        resources.store = peerStore(props);
        PeerDirectory directory = new PeerDirectory(resources.store,
                millis(props, "oc.mongo.cache-ttl-ms"));
        PeerDirectorySync sync = new PeerDirectorySync(directory, codec);
        props.resolveProperty("oc.peers.file").filter(f -> !f.isBlank()).ifPresent(f -> sync.seed(Path.of(f)));
        ResourceProtocols protocols = new ResourceProtocols(setting(props, "oc.protocol.planner"),
                setting(props, "oc.protocol.search"), setting(props, "oc.protocol.search-result"));
        Authorization authorization = new Authorization(directory, protocols);
        Supplier<Libp2pComponent> libp2p = () -> context.getComponent("libp2p", Libp2pComponent.class);
        Supplier<Host> host = () -> libp2p.get().activeHost();
        MeterRegistry registry = meterRegistry(context);
        routeMetrics(context, registry, props.resolveProperty("oc.metrics.routes-excluded").orElse(""));
        NodeMetrics metrics = new NodeMetrics(registry, authorization, host);

        Outbox outbox = new Outbox(resources.nats, OutboxSettings.from(props, context.getName()), metrics,
                () -> directory.partners().stream().map(PeerRecord::peerId).toList());
        context.addComponent("outbox", new OutboxComponent(outbox, metrics));
        context.getRegistry().bind("outbox", outbox);

        context.getRegistry().bind("peerDirectory", directory);
        context.getRegistry().bind("peerDirectorySync", sync);
        context.getRegistry().bind("authorization", authorization);
        PendingSearches pendingSearches = SearchConfiguration.pendingSearches(props);
        SearchRequests searchRequests = new SearchRequests(codec, directory, pendingSearches, host, metrics,
                SearchConfiguration.number(props, "oc.search.max-targets"));
        context.getRegistry().bind("authorizationGate", new AuthorizationGate(authorization,
                setting(props, "oc.protocol.search-result"), searchRequests));
        DirectoryPeerResolver resolver = new DirectoryPeerResolver(directory);
        context.getRegistry().bind("peerDirectoryResolver", resolver);
        context.getRegistry().bind("nodeMetrics", metrics);
        context.getRegistry().bind("deliveryRetryCounter", metrics.retryCounter());
        // the best-effort split's deliveries start on the thread that splits (each goes async at the libp2p
        // producer): a hand-over to a pool thread per event was one more wake-up per event (routes' deliver-to-peers)
        context.getRegistry().bind("deliveryFanOut", new SynchronousExecutorService());
        NodeNatsConnection nats = resources.nats;
        PropagationRouting propagation = new PropagationRouting(codec, directory, authorization,
                () -> host.get().peerId().toString(), metrics,
                Integer.parseInt(setting(props, "oc.considers.max-targets")), nats::maxPayload);
        context.getRegistry().bind("propagation", propagation);
        ErrorPath errorPath = new ErrorPath(metrics, nats::maxPayload);
        context.getRegistry().bind("errorPath", errorPath);
        resources.receivedIds = RecentEventIds.open(dataDir(props),
                Integer.parseInt(setting(props, "oc.inbound.dedup.max-ids-per-sender")),
                millis(props, "oc.inbound.dedup.max-age-ms"));
        LOG.info("received event ids: {}", resources.receivedIds.describe());
        ReceivedEvents receivedEvents = new ReceivedEvents(resources.receivedIds, metrics);
        context.getRegistry().bind("receivedEvents", receivedEvents);
        RouteExpressions.bind(context.getRegistry(), propagation, outbox, errorPath, receivedEvents);
        SignedNodeRecords records = new SignedNodeRecords(codec.tolerantJson(), Clock.systemUTC(), MAX_RECORD_LIFETIME);
        context.getRegistry().bind("kadConfig", new KadConfig()
                .protocolPrefix(setting(props, "oc.dht.prefix"))
                .validator(NodeRecordValidator.NAMESPACE, new NodeRecordValidator(records)));
        // gossipsub with go-libp2p-pubsub's defaults and per-peer limits: the search topic of PB_SEARCH all
        context.getRegistry().bind("gossipConfig", new GossipConfig());
        NodeRecordPublisher nodeRecord = new NodeRecordPublisher(host, () -> libp2p.get().activeDht(), directory,
                resolver, records, appName, millis(props, "oc.record.lifetime-ms"));
        context.getRegistry().bind("nodeRecord", nodeRecord);
        context.getRegistry().bind("peerSearch", new PeerSearch(directory, new PeerJsonMapper(codec.tolerantJson()),
                codec, nodeRecord, millis(props, "oc.search.timeout-ms")));
        context.getRegistry().bind("inboundRejections", new InboundRejections(context.createProducerTemplate()));
        resources.catalogue = SearchConfiguration.catalogue(props);
        context.getRegistry().bind("ownResources", new OwnResources(resources.catalogue));
        context.getRegistry().bind("searchRequests", searchRequests);
        context.getRegistry().bind("resultStreamCuts", new ResultStreamCuts(searchRequests));
        context.getRegistry().bind("searchAnswers", new SearchAnswers(codec, authorization, directory, nodeRecord,
                resources.catalogue, SearchConfiguration.rateLimit(props), SearchConfiguration.topicRateLimit(props),
                () -> host.get().peerId().toString(), metrics, SearchConfiguration.number(props, "oc.search.max-results"),
                SearchConfiguration.number(props, "oc.search.max-result-bytes"),
                SearchConfiguration.number(props, "oc.search.max-event-bytes"), millis(props, "oc.search.timeout-ms")));
        NodeReadinessChecks.of(resources.nats, intake, resources.store).forEach(HealthCheckRegistry.get(context)::register);
    }

    /** MongoDB at {@code oc.mongo.uri}, or the embedded store under {@code oc.data-dir} when none is set. */
    private static PeerStore peerStore(PropertiesComponent props) {
        String uri = props.resolveProperty("oc.mongo.uri").orElse("");
        if (uri.isBlank()) {
            EmbeddedPeerStore store = EmbeddedPeerStore.open(dataDir(props));
            LOG.info("peer directory: embedded, {} (no listener)", store.describe());
            return store;
        }
        LOG.info("peer directory: MongoDB at {}", redacted(uri));
        return new MongoPeerStore(uri,
                setting(props, "oc.mongo.database"),
                setting(props, "oc.mongo.collection"));
    }

    static Path dataDir(PropertiesComponent props) {
        return Path.of(setting(props, "oc.data-dir"));
    }

    /** A setting the built-in defaults name, so it always has a value (no second copy of the default here). */
    static String setting(PropertiesComponent props, String key) {
        return props.resolveProperty(key).orElseThrow(() -> new IllegalStateException("no setting " + key));
    }

    static Duration millis(PropertiesComponent props, String key) {
        return Duration.ofMillis(Long.parseLong(setting(props, key)));
    }

    /** The registry Camel's Prometheus support exports (it takes the one bound under this name, or binds one). */
    private static MeterRegistry meterRegistry(CamelContext context) {
        MeterRegistry found = context.getRegistry().lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                MeterRegistry.class);
        if (found != null) {
            return found;
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        return registry;
    }

    /**
     * Camel's route metrics (camel_exchanges_*, per route, as camel.metrics.enableRoutePolicy would add them), but not
     * for the routes {@code excluded} names (route ids, comma separated, * as a wildcard): timing each delivery and
     * each glue route an event passes took a twelfth of the sending node's CPU, and the node counts its deliveries.
     */
    private static void routeMetrics(CamelContext context, MeterRegistry registry, String excluded) throws Exception {
        // a configuration of this node's own: the factory's is one for the whole JVM (nodes of one JVM would share it)
        MicrometerRoutePolicyConfiguration configuration = new MicrometerRoutePolicyConfiguration();
        configuration.setContextEnabled(false); // the figure per route only, not a second time for all
        configuration.setExcludePattern(excluded.isBlank() ? null : excluded);
        MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
        factory.setMeterRegistry(registry);
        factory.setPolicyConfiguration(configuration);
        context.addService(factory);
        context.addRoutePolicyFactory(factory);
    }

    private static String redacted(String uri) {
        return uri.replaceAll("//[^@/]*@", "//***@");
    }

    /** What the node opened for NATS, the directory and the received event ids, closed when Camel stops. */
    private static final class Resources extends ServiceSupport {
        private NodeNatsConnection nats;
        private PeerStore store;
        private ResourceCatalogue catalogue;
        private RecentEventIds receivedIds;

        @Override
        protected void doStop() throws Exception {
            if (catalogue != null) {
                catalogue.close();
            }
            if (nats != null) {
                nats.close();
            }
            if (store != null) {
                store.close();
            }
            if (receivedIds != null) {
                receivedIds.close();
            }
        }
    }
}
