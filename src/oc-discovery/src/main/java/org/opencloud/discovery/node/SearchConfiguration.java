package org.opencloud.discovery.node;

import org.apache.camel.spi.PropertiesComponent;
import org.opencloud.discovery.propagation.catalogue.EmbeddedResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.MongoResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.OcLibResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.ResourceCatalogue;
import org.opencloud.discovery.propagation.catalogue.ResourceFields;
import org.opencloud.discovery.propagation.search.PendingSearches;
import org.opencloud.discovery.propagation.search.SearchRateLimit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.opencloud.discovery.node.NodeConfiguration.millis;
import static org.opencloud.discovery.node.NodeConfiguration.setting;

/** The search settings ({@code oc.search.*}) and the resource catalogue ({@code oc.catalogue.*}) of a node. */
final class SearchConfiguration {
    /** The most peers whose search rate is remembered: a crowd of peer ids costs at most this many entries. */
    private static final int RATE_PEERS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SearchConfiguration.class);

    private SearchConfiguration() {
    }

    static int number(PropertiesComponent props, String key) {
        return Integer.parseInt(setting(props, key).trim());
    }

    static PendingSearches pendingSearches(PropertiesComponent props) {
        return new PendingSearches(millis(props, "oc.search.results-window-ms"), number(props, "oc.search.max-pending"),
                number(props, "oc.search.max-results"));
    }

    static SearchRateLimit rateLimit(PropertiesComponent props) {
        return new SearchRateLimit(number(props, "oc.search.max-per-peer-per-second"), RATE_PEERS);
    }

    /** All authors' searches on the search topic answered a second: one window, for {@link SearchAnswers#TOPIC}. */
    static SearchRateLimit topicRateLimit(PropertiesComponent props) {
        return new SearchRateLimit(number(props, "oc.search.topic.max-per-second"), 1);
    }

    /**
     * {@code oc.catalogue.store}: {@code own}, the node's own store beside its directory (the embedded file under
     * {@code oc.data-dir}, or collection {@code oc.catalogue.collection} of the MongoDB at {@code oc.mongo.uri});
     * {@code oc-lib}, the collections of an oc-lib MongoDB ({@code oc.catalogue.oc-lib.*}).
     */
    static ResourceCatalogue catalogue(PropertiesComponent props) {
        ResourceFields fields = new ResourceFields(setting(props, "oc.catalogue.field.id"),
                setting(props, "oc.catalogue.field.creator"), setting(props, "oc.catalogue.field.access"),
                list(setting(props, "oc.catalogue.public-values")), setting(props, "oc.catalogue.field.shared-with"),
                list(setting(props, "oc.catalogue.field.searched")));
        String store = setting(props, "oc.catalogue.store").trim();
        String mongoUri = setting(props, "oc.mongo.uri").trim();
        ResourceCatalogue catalogue = switch (store) {
            case "own" -> mongoUri.isEmpty()
                    ? EmbeddedResourceCatalogue.open(NodeConfiguration.dataDir(props), fields)
                    : new MongoResourceCatalogue(mongoUri, setting(props, "oc.mongo.database"),
                    setting(props, "oc.catalogue.collection"), fields);
            case "oc-lib" -> {
                String uri = setting(props, "oc.catalogue.oc-lib.uri").trim();
                if (uri.isEmpty() && mongoUri.isEmpty()) {
                    throw new IllegalArgumentException("oc.catalogue.store=oc-lib needs oc.catalogue.oc-lib.uri"
                            + " (or oc.mongo.uri)");
                }
                yield new OcLibResourceCatalogue(uri.isEmpty() ? mongoUri : uri,
                        setting(props, "oc.catalogue.oc-lib.database"),
                        collections(setting(props, "oc.catalogue.oc-lib.collections")), fields);
            }
            default -> throw new IllegalArgumentException("oc.catalogue.store must be own or oc-lib, not " + store);
        };
        LOG.info("resource catalogue: {}", catalogue.describe());
        return catalogue;
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** {@code DATA_TYPE:collection,...} as a map. */
    static Map<String, String> collections(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : list(value)) {
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                throw new IllegalArgumentException("oc.catalogue.oc-lib.collections: \"" + pair
                        + "\" is not DATA_TYPE:collection");
            }
            out.put(pair.substring(0, colon).trim(), pair.substring(colon + 1).trim());
        }
        return out;
    }
}
