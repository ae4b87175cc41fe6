package dev.junction.core.store.log;

import static dev.junction.core.store.log.LogTesting.appendAndWait;
import static dev.junction.core.store.log.LogTesting.bytes;
import static dev.junction.core.store.log.LogTesting.releaseAndWait;
import static dev.junction.core.store.log.LogTesting.reopenAndClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Under {@code always}, batches of {@link Durability#DEFERRED} requests only are written but not forced. */
class DeferredDurabilityTest {

    @TempDir
    Path dir;

    private LogConfig always() {
        return LogConfig.defaults(dir).withFsync(FsyncPolicy.ALWAYS);
    }

    private static void awaitReleasesWritten(SegmentedLog log, long count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> log.metrics().releasesWritten() == count);
    }

    @Test
    void aReleaseOnlyBatchIsNotForcedAndTheNextAppendForcesIt() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(always(), new Recovered())) {
            long first = appendAndWait(log, "first");
            long second = appendAndWait(log, "second");
            assertEquals(2, log.metrics().fsyncs());

            log.release(first);
            awaitReleasesWritten(log, 1);
            assertEquals(2, log.metrics().fsyncs(), "a batch of one deferred release is not forced");
            assertEquals(1, log.metrics().unforcedBatches());
            assertEquals(1, log.metrics().liveRecords(), "the release took effect in memory all the same");

            appendAndWait(log, "third");
            assertEquals(3, log.metrics().fsyncs(), "a batch with an append is forced");
            assertEquals(1, log.metrics().unforcedBatches());
            log.release(second);
            awaitReleasesWritten(log, 2);
            assertEquals(3, log.metrics().fsyncs());
        }
        assertEquals(List.of("third"), reopenAndClose(always()).records.stream().map(r -> new String(r.body())).toList());
    }

    @Test
    void aReleaseSomeoneWaitsForIsForced() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(always(), new Recovered())) {
            long id = appendAndWait(log, "state");
            releaseAndWait(log, id);
            assertEquals(2, log.metrics().fsyncs(), "release(id, listener) is acknowledged after an fsync");
            assertEquals(0, log.metrics().unforcedBatches());
        }
    }

    @Test
    void aDeferredAppendIsAcknowledgedUnforcedAndIsForcedWithTheNextRequiredOne() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(always(), new Recovered())) {
            CompletableFuture<Long> written = new CompletableFuture<>();
            log.append((byte) 1, Unpooled.wrappedBuffer(bytes("settle")), Durability.DEFERRED,
                    WriteListener.completing(written));
            LogTesting.await(written);
            assertEquals(0, log.metrics().fsyncs());
            assertEquals(1, log.metrics().unforcedBatches());
            appendAndWait(log, "message");
            assertEquals(1, log.metrics().fsyncs());
        }
        assertEquals(2, reopenAndClose(always()).records.size());
    }

    @Test
    void sealingASegmentForcesItsUnforcedBatches() throws IOException {
        // 100-byte bodies make 121-byte frames: eight fill 968 bytes of a 1 KiB segment, a release frame still fits.
        LogConfig config = always().withSegmentBytes(1024).withCompactionThreshold(0);
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            long first = 0;
            for (int i = 0; i < 8; i++) {
                long id = appendAndWait(log, 1, new byte[100]);
                first = i == 0 ? id : first;
            }
            log.release(first);
            awaitReleasesWritten(log, 1);
            assertEquals(8, log.metrics().fsyncs());

            appendAndWait(log, 1, new byte[100]);
            assertEquals(2, log.metrics().segments());
            assertEquals(10, log.metrics().fsyncs(), "the sealed segment, then the new batch in the next one");
        }
        assertEquals(8, reopenAndClose(config).records.size());
    }

    @Test
    void closeForcesAnUnforcedBatch() throws IOException {
        SegmentedLog log = SegmentedLog.open(always(), new Recovered());
        long id = appendAndWait(log, "gone");
        log.release(id);
        awaitReleasesWritten(log, 1);
        assertEquals(1, log.metrics().fsyncs());
        log.close();
        assertEquals(2, log.metrics().fsyncs());
        assertEquals(0, reopenAndClose(always()).records.size());
    }

    @Test
    void underNeverEveryBatchIsUnforcedWhateverItHolds() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(LogConfig.defaults(dir).withFsync(FsyncPolicy.NEVER), new Recovered())) {
            long id = appendAndWait(log, "message");
            releaseAndWait(log, id);
            assertEquals(0, log.metrics().fsyncs());
            assertEquals(2, log.metrics().batches());
            assertEquals(2, log.metrics().unforcedBatches());
        }
    }
}
