package org.opencloud.discovery.propagation.codec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The libp2p protocols that carry events, and the action each carries. Create, update, delete and considers are
 * byte-exact as upstream names them; the planner, search and search-result ids are not shown upstream, so they
 * come from configuration ({@code oc.protocol.*}). Immutable.
 */
public final class ResourceProtocols {
    public static final String CREATE = "/opencloud/resource/create/1.0";
    public static final String UPDATE = "/opencloud/resource/update/1.0";
    public static final String DELETE = "/opencloud/resource/delete/1.0";
    public static final String CONSIDERS = "/opencloud/resource/considers/1.0";

    private final Map<String, Action> actions = new LinkedHashMap<>();

    /**
     * @param planner      the long-lived stream of PB_PLANNER events
     * @param search       the signed PB_SEARCH events sent to known peers or partners
     * @param searchResult the results a searched peer sends back, one per line
     */
    public ResourceProtocols(String planner, String search, String searchResult) {
        add(CREATE, Action.PB_CREATE);
        add(UPDATE, Action.PB_UPDATE);
        add(DELETE, Action.PB_DELETE);
        add(CONSIDERS, Action.PB_CONSIDERS);
        add(planner, Action.PB_PLANNER);
        add(search, Action.PB_SEARCH);
        add(searchResult, Action.PB_SEARCH_RESPONSE);
    }

    private void add(String protocolId, Action action) {
        if (protocolId == null || !protocolId.startsWith("/") || protocolId.isBlank()) {
            throw new IllegalArgumentException("the protocol of " + action + " must be an id such as /a/b/1.0, not "
                    + protocolId);
        }
        Action previous = actions.putIfAbsent(protocolId, action);
        if (previous != null) {
            throw new IllegalArgumentException("protocol " + protocolId + " given to both " + previous + " and " + action);
        }
    }

    /** The action that {@code protocolId} carries, or null when it is none of these protocols. */
    public Action action(String protocolId) {
        return actions.get(protocolId);
    }
}
