package org.opencloud.discovery.p2p.rcmgr;

import org.opencloud.discovery.p2p.core.PeerId;
import org.opencloud.discovery.p2p.core.PrivateKey;

/** Connection scopes for tests that run a yamux session without a host. */
public final class TestScopes {
    private TestScopes() {
    }

    /** An established connection's scope under {@code limits}, for a fresh peer. */
    public static ConnectionScope connection(ResourceManager manager) {
        ConnectionScope scope = manager.openConnection(Direction.INBOUND);
        if (scope == null || !scope.setPeer(randomPeer())) {
            throw new IllegalStateException("the test's limits refused a connection");
        }
        return scope;
    }

    /** An established connection's scope with room for what yamux tests do (1 GiB, 10,000 streams). */
    public static ConnectionScope connection() {
        ScopeLimit roomy = new ScopeLimit(10_000, 10_000, 10_000, 10_000, 1L << 30);
        return connection(new LimitedResourceManager(new ResourceLimits(roomy, roomy, roomy, roomy, roomy, roomy)));
    }

    public static PeerId randomPeer() {
        return PrivateKey.generate().peerId();
    }
}
