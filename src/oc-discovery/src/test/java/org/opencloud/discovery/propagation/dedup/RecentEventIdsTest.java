package org.opencloud.discovery.propagation.dedup;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecentEventIdsTest {
    private static final String A = "12D3KooWA";
    private static final String B = "12D3KooWB";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    @Test
    void anIdIsKnownPerSenderOnceRecorded() {
        try (RecentEventIds ids = RecentEventIds.open(dir, 10, Duration.ofHours(1), clock)) {
            assertFalse(ids.contains(A, "1"));
            ids.record(A, "1");
            assertTrue(ids.contains(A, "1"));
            assertFalse(ids.contains(B, "1"), "the same id from another sender is another event");
            assertFalse(ids.contains(A, "1 "), "ids are compared whole");
        }
    }

    @Test
    void eachSenderKeepsAtMostItsCountTheOldestDroppedFirst() {
        try (RecentEventIds ids = RecentEventIds.open(dir, 3, Duration.ofHours(1), clock)) {
            ids.record(B, "b0");
            for (int i = 0; i < 5; i++) {
                ids.record(A, "a" + i);
            }
            assertFalse(ids.contains(A, "a0"));
            assertFalse(ids.contains(A, "a1"));
            assertTrue(ids.contains(A, "a2") && ids.contains(A, "a3") && ids.contains(A, "a4"));
            assertTrue(ids.contains(B, "b0"), "another sender's ids are not pushed out");
            assertEquals(4, ids.size());
        }
    }

    @Test
    void idsOlderThanTheMaximumAgeAreForgotten() {
        try (RecentEventIds ids = RecentEventIds.open(dir, 100, Duration.ofMinutes(10), clock)) {
            ids.record(A, "old");
            clock.advance(Duration.ofMinutes(6));
            ids.record(A, "newer");
            clock.advance(Duration.ofMinutes(5));
            assertFalse(ids.contains(A, "old"));
            assertTrue(ids.contains(A, "newer"));
            ids.record(A, "newest"); // drops what is too old
            assertEquals(2, ids.size());
            ids.record(A, "old"); // an expired id recorded again counts from now
            assertTrue(ids.contains(A, "old"));
            assertEquals(3, ids.size());
        }
    }

    @Test
    void theRecordSurvivesAReopenAndKeepsItsBoundsAndOrder() {
        try (RecentEventIds ids = RecentEventIds.open(dir, 3, Duration.ofHours(1), clock)) {
            ids.record(A, "a0");
            ids.record(A, "a1");
            ids.record(B, "b0");
        }
        try (RecentEventIds ids = RecentEventIds.open(dir, 3, Duration.ofHours(1), clock)) {
            assertTrue(ids.contains(A, "a0") && ids.contains(A, "a1") && ids.contains(B, "b0"));
            ids.record(A, "a2");
            ids.record(A, "a3"); // the fourth of A after the reopen: a0 goes, as before it
            assertFalse(ids.contains(A, "a0"));
            assertTrue(ids.contains(A, "a1") && ids.contains(A, "a3"));
        }
        try (RecentEventIds ids = RecentEventIds.open(dir, 1, Duration.ofHours(1), clock)) {
            assertTrue(ids.contains(A, "a3"), "a smaller bound keeps the newest");
            assertFalse(ids.contains(A, "a2"));
            assertEquals(2, ids.size());
        }
    }

    @Test
    void theFileIsTheNodesUsersAloneAndOpenOnce() throws Exception {
        try (RecentEventIds ids = RecentEventIds.open(dir.resolve("data"), 10, Duration.ofHours(1), clock)) {
            Path file = dir.resolve("data").resolve(RecentEventIds.LOG_FILE);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            for (int i = 0; i < 5000; i++) {
                ids.record(A, "a" + i); // the log rewritten, replaced by a new file: still the only node on it
            }
            IllegalStateException shared = assertThrows(IllegalStateException.class,
                    () -> RecentEventIds.open(dir.resolve("data"), 10, Duration.ofHours(1), clock).close());
            assertTrue(shared.getMessage().contains("data directory of its own"), shared.getMessage());
            assertTrue(ids.describe().contains(file.toString()));
        }
    }

    @Test
    void whatAKilledNodesLogHeldIsKeptADamagedOrCutLineSkipped() throws Exception {
        Files.createDirectories(dir);
        long now = clock.millis();
        // as record writes them; the kill came inside the last write, and inside a rewrite
        Files.writeString(dir.resolve(RecentEventIds.LOG_FILE), now + " " + A + " " + base64("whole") + "\n"
                + "\u00ff damaged \u00fe\n" + now + " " + B + " " + base64("next") + "\n"
                + now + " " + A + " " + base64("cut").substring(0, 2), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(RecentEventIds.LOG_FILE + ".new"), now + " " + A + " " + base64("half"));
        try (RecentEventIds ids = RecentEventIds.open(dir, 10, Duration.ofHours(1), clock)) {
            assertTrue(ids.contains(A, "whole") && ids.contains(B, "next"));
            assertFalse(ids.contains(A, "cut") || ids.contains(A, "half"));
            assertEquals(2, ids.size());
        }
        try (RecentEventIds ids = RecentEventIds.open(dir, 10, Duration.ofHours(1), clock)) {
            assertTrue(ids.contains(A, "whole") && ids.contains(B, "next"), "kept by the log rewritten at the open");
            assertEquals(2, Files.readAllLines(dir.resolve(RecentEventIds.LOG_FILE)).size());
        }
    }

    @Test
    void eachIdIsInTheLogBeforeRecordReturns() throws Exception {
        try (RecentEventIds ids = RecentEventIds.open(dir, 10, Duration.ofHours(1), clock)) {
            ids.record(A, "id with spaces\nand a newline");
            assertEquals(clock.millis() + " " + A + " " + base64("id with spaces\nand a newline") + "\n",
                    Files.readString(dir.resolve(RecentEventIds.LOG_FILE)));
            assertTrue(ids.contains(A, "id with spaces\nand a newline"));
        }
    }

    @Test
    void theLogIsRewrittenOnceMostOfItsLinesAreOfIdsDropped() throws Exception {
        Path log = dir.resolve(RecentEventIds.LOG_FILE);
        long longest = 0;
        try (RecentEventIds ids = RecentEventIds.open(dir, 10, Duration.ofHours(1), clock)) {
            for (int i = 0; i < 20_000; i++) {
                ids.record(A, "a" + i);
                if (i % 500 == 0) {
                    longest = Math.max(longest, Files.readAllLines(log).size());
                }
            }
            assertTrue(longest <= 2 * 10 + 4096 + 1, "at most twice the ids kept and the slack: " + longest);
            assertEquals(10, ids.size());
            for (int i = 19_990; i < 20_000; i++) {
                ids.record(B, "b" + i);
                assertTrue(ids.contains(A, "a" + i), "a" + i);
            }
        }
        try (RecentEventIds ids = RecentEventIds.open(dir, 10, Duration.ofHours(1), clock)) {
            assertEquals(20, ids.size());
            assertTrue(ids.contains(A, "a19999") && ids.contains(B, "b19990") && !ids.contains(A, "a19989"));
            assertEquals(20, Files.readAllLines(log).size());
        }
    }

    @Test
    void anEarlierVersionsStoreAndJournalAreTakenOverOnceThenDeleted() throws Exception {
        Files.createDirectories(dir);
        long now = clock.millis();
        // the layout the MVStore version wrote: "<sender> <id>" -> {at, sequence}, "<sender> <sequence>" -> id
        try (MVStore store = new MVStore.Builder().fileName(dir.resolve("received-events.mvstore").toString()).open()) {
            MVMap<String, long[]> recorded = store.openMap("recorded");
            MVMap<String, String> order = store.openMap("order");
            String[] older = {"first", "second", "third"};
            for (int i = 0; i < older.length; i++) {
                recorded.put(A + " " + older[i], new long[] {now - 1000 + i, i + 1});
                order.put(A + " " + "0".repeat(18) + (i + 1), older[i]);
            }
        }
        Files.writeString(dir.resolve("received-events.journal"), now + " " + B + " " + base64("journaled") + "\n");
        Files.createFile(dir.resolve(RecentEventIds.LOG_FILE)); // as a first start killed before its first rewrite left it
        try (RecentEventIds ids = RecentEventIds.open(dir, 2, Duration.ofHours(1), clock)) {
            assertTrue(ids.contains(A, "second") && ids.contains(A, "third") && ids.contains(B, "journaled"));
            assertFalse(ids.contains(A, "first"), "the oldest beyond the bound, dropped as before");
            assertFalse(Files.exists(dir.resolve("received-events.mvstore")));
            assertFalse(Files.exists(dir.resolve("received-events.journal")));
        }
        try (RecentEventIds ids = RecentEventIds.open(dir, 2, Duration.ofHours(1), clock)) {
            assertEquals(3, ids.size(), "kept by the log");
        }
    }

    @Test
    void anUnreadableEarlierStoreIsPassedOverAndANodeThatCouldNotStartLeavesNoLockBehind() throws Exception {
        Files.createDirectories(dir);
        Files.write(dir.resolve("received-events.mvstore"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path blocked = Files.createDirectory(dir.resolve(RecentEventIds.LOG_FILE)); // a log that cannot be read
        Files.createFile(blocked.resolve("in the way"));
        assertThrows(UncheckedIOException.class, () -> RecentEventIds.open(dir, 10, Duration.ofHours(1), clock));
        Files.delete(blocked.resolve("in the way"));
        Files.delete(blocked);
        try (RecentEventIds ids = RecentEventIds.open(dir, 10, Duration.ofHours(1), clock)) {
            assertEquals(0, ids.size(), "started, without the ids it could not read");
            assertFalse(Files.exists(dir.resolve("received-events.mvstore")));
        }
    }

    private static String base64(String id) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
