package org.opencloud.discovery.p2p.protocol.kad;

import org.junit.jupiter.api.Test;
import org.opencloud.discovery.p2p.record.InvalidRecordException;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The record store's limits and expiry, and validators by namespace. */
class KadRecordsTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theStoreIsBoundedInCountAndSizeAndDropsTheOldest() {
        RecordStore store = new RecordStore(3, 10, Duration.ofHours(1), clock);
        assertFalse(store.put(key("/t/big"), new byte[11]));
        for (int i = 0; i < 5; i++) {
            store.put(key("/t/" + i), new byte[] {(byte) i});
        }
        assertEquals(3, store.size());
        assertNull(store.get(key("/t/0")));
        assertArrayEquals(new byte[] {4}, store.get(key("/t/4")).value());
    }

    @Test
    void recordsExpireAfterTheMaxAgeAndARenewedPutLivesOn() {
        RecordStore store = new RecordStore(10, 10, Duration.ofMinutes(2), clock);
        store.put(key("/t/a"), new byte[] {1});
        store.put(key("/t/b"), new byte[] {2});
        now = now.plusSeconds(90);
        store.put(key("/t/a"), new byte[] {3});
        now = now.plusSeconds(60);
        assertNull(store.get(key("/t/b")));
        assertNotNull(store.get(key("/t/a")));
        assertEquals(1, store.size());
        now = now.plusSeconds(60);
        assertEquals(0, store.size());
    }

    @Test
    void keysOfNoRegisteredNamespaceAreRefusedAndTheSelectorPicks() {
        RecordValidators validators = new RecordValidators().register("test", new SeqValidator());
        validators.validate(key("/test/x"), SeqValidator.value(1, "a"));
        assertThrows(InvalidRecordException.class, () -> validators.validate(key("/test/x"), key("nonsense")));
        for (String bad : List.of("/other/x", "test/x", "/test", "//x", "")) {
            assertThrows(InvalidRecordException.class, () -> validators.validate(key(bad), SeqValidator.value(1, "a")), bad);
        }
        assertEquals(1, validators.select(key("/test/x"), List.of(SeqValidator.value(1, "a"), SeqValidator.value(5, "b"))));
        assertThrows(IllegalArgumentException.class, () -> validators.register("a/b", new SeqValidator()));
    }
}
