package org.opencloud.discovery.propagation.directory;

/** How this node relates to a peer (oc-lib PeerRelation); wire numbers come from the codec table. */
public enum Relation {
    /** A known peer with no particular relation. */
    NONE,
    /** This node itself. */
    SELF,
    /** Receives and sends create/update/delete. */
    PARTNER,
    /** Refused at connection time. */
    BLACKLIST
}
