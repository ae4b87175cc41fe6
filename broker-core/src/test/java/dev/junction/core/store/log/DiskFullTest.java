package dev.junction.core.store.log;

import static dev.junction.core.store.log.LogTesting.appendAndWait;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real ENOSPC: the active segment is a symlink to Linux's {@code /dev/full}, on which every write fails with
 * "No space left on device".
 */
class DiskFullTest {

    private static final Path DEV_FULL = Path.of("/dev/full");

    @TempDir
    Path dir;

    @Test
    void aFullDiskFailsTheWaitersRefusesWritesKeepsEarlierRecordsAndProbesAgain() throws Exception {
        assumeTrue(Files.isWritable(DEV_FULL), "needs /dev/full");
        LogConfig config = LogConfig.defaults(dir);
        List<Long> before;
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            before = List.of(appendAndWait(log, "one"), appendAndWait(log, "two"), appendAndWait(log, "three"));
        }
        Path full = dir.resolve(Segment.fileName(1_000_000));
        Files.createSymbolicLink(full, DEV_FULL);

        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            ByteBuf body = Unpooled.wrappedBuffer(LogTesting.bytes("lost"));
            Throwable diskFull = failureOf(log, body);
            assertInstanceOf(IOException.class, diskFull);
            assertTrue(diskFull.getMessage().contains("No space left on device"), diskFull.getMessage());
            assertEquals(0, body.refCnt(), "the failed record's body was released");
            assertFalse(log.metrics().writable());
            assertEquals(0, log.metrics().appendsWritten());

            Throwable refused = failureOf(log, Unpooled.wrappedBuffer(LogTesting.bytes("refused")));
            assertInstanceOf(LogUnavailableException.class, refused);
            assertSame(diskFull, refused.getCause());

            CompletableFuture<Long> release = new CompletableFuture<>();
            log.release(before.get(0), WriteListener.completing(release));
            ExecutionException releaseFailure = assertThrows(ExecutionException.class,
                    () -> release.get(10, TimeUnit.SECONDS));
            assertInstanceOf(LogUnavailableException.class, releaseFailure.getCause());

            // A second later the log tries the disk again rather than refusing: the failure is a fresh ENOSPC.
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                Throwable failure = failureOf(log, Unpooled.wrappedBuffer(LogTesting.bytes("probe")));
                return !(failure instanceof LogUnavailableException) && failure.getMessage().contains("No space left");
            });
            assertEquals(3, log.metrics().liveRecords(), "failed writes left the live set alone");
        }

        Files.delete(full);
        Recovered recovered = new Recovered();
        try (SegmentedLog log = SegmentedLog.open(config, recovered)) {
            assertEquals(List.of(), log.recoveryReport().damage());
            assertEquals(before, recovered.ids(), "what was written before the disk filled is intact, the rest absent");
            long after = appendAndWait(log, "space again");
            assertTrue(after > before.get(2));
        }
    }

    private static Throwable failureOf(SegmentedLog log, ByteBuf body) throws InterruptedException {
        CompletableFuture<Long> done = new CompletableFuture<>();
        log.append((byte) 1, body, WriteListener.completing(done));
        ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(10, TimeUnit.SECONDS));
        assertNotNull(e.getCause());
        return e.getCause();
    }
}
