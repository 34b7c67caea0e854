package org.opencloud.discovery.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** oc.outbound.queue-size is the intake's permits: none would stop it at its first event, so it is refused at start. */
class JetStreamIntakeSettingsTest {
    @ParameterizedTest
    @ValueSource(longs = {0, -1, 1L + Integer.MAX_VALUE})
    void aQueueSizeOutsideOneToIntMaxIsRefusedWithTheSettingsName(long queueSize) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> settings(queueSize));
        assertTrue(refused.getMessage().contains("oc.outbound.queue-size"), refused.getMessage());
    }

    @Test
    void oneIsTaken() {
        assertEquals(1, settings(1).maxAckPending());
    }

    private static JetStreamIntakeSettings settings(long queueSize) {
        return new JetStreamIntakeSettings("OC_PROPAGATION", "node", Duration.ofDays(1), 1 << 20, queueSize,
                Duration.ofSeconds(30));
    }
}
