package org.opencloud.discovery.propagation.codec;

import java.util.Arrays;

/** The libp2p protocols that carry resource events, byte-exact as upstream names them. */
public enum ResourceProtocol {
    CREATE("/opencloud/resource/create/1.0", Action.PB_CREATE),
    UPDATE("/opencloud/resource/update/1.0", Action.PB_UPDATE),
    DELETE("/opencloud/resource/delete/1.0", Action.PB_DELETE),
    CONSIDERS("/opencloud/resource/considers/1.0", Action.PB_CONSIDERS),
    /** A long-lived stream of planner events, one JSON value per line (upstream does not show its id). */
    PLANNER("/opencloud/resource/planner/1.0", Action.PB_PLANNER);

    private final String protocolId;
    private final Action action;

    ResourceProtocol(String protocolId, Action action) {
        this.protocolId = protocolId;
        this.action = action;
    }

    public String protocolId() {
        return protocolId;
    }

    public Action action() {
        return action;
    }

    /** The protocol that carries an action, or null when the action is not sent on a stream. */
    public static ResourceProtocol forAction(Action action) {
        return Arrays.stream(values()).filter(p -> p.action == action).findFirst().orElse(null);
    }

    /** The protocol with this id, or null. */
    public static ResourceProtocol forProtocolId(String protocolId) {
        return Arrays.stream(values()).filter(p -> p.protocolId.equals(protocolId)).findFirst().orElse(null);
    }
}
