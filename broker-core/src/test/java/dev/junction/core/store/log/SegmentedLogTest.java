package dev.junction.core.store.log;

import static dev.junction.core.store.log.LogTesting.appendAndWait;
import static dev.junction.core.store.log.LogTesting.bytes;
import static dev.junction.core.store.log.LogTesting.releaseAndWait;
import static dev.junction.core.store.log.LogTesting.reopenAndClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {

    @TempDir
    Path dir;

    private LogConfig config() {
        return LogConfig.defaults(dir);
    }

    /** Segments of 1 KiB, compaction off unless a test turns it on. */
    private LogConfig smallSegments() {
        return config().withSegmentBytes(1024).withCompactionThreshold(0);
    }

    private List<String> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void appendedRecordsComeBackAfterReopenInIdOrderWithTypeAndBody() throws IOException {
        List<Recovered.Rec> written = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(config(), new Recovered())) {
            assertTrue(log.recoveryReport().clean());
            for (int i = 0; i < 50; i++) {
                byte[] body = bytes("record-" + i + "-" + "x".repeat(i));
                long id = appendAndWait(log, i % 3, body);
                written.add(new Recovered.Rec((byte) (i % 3), id, body));
            }
            written.add(new Recovered.Rec((byte) 7, appendAndWait(log, 7, new byte[0]), new byte[0]));
        }
        Recovered recovered = new Recovered();
        try (SegmentedLog log = SegmentedLog.open(config(), recovered)) {
            assertEquals(written, recovered.records);
            assertEquals(new RecoveryReport(1, written.size(), 0, List.of()), log.recoveryReport());
            long next = appendAndWait(log, "after reopen");
            assertTrue(next > written.get(written.size() - 1).id(), "ids keep increasing across reopen");
        }
    }

    @Test
    void compositeAndDirectBodiesAreWrittenWholeAndReleased() throws IOException {
        ByteBuf direct = ByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes("direct "));
        CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, ByteBufAllocator.DEFAULT.directBuffer().writeBytes(bytes("one ")))
                .addComponent(true, ByteBufAllocator.DEFAULT.heapBuffer().writeBytes(bytes("two")));
        long first;
        long second;
        try (SegmentedLog log = SegmentedLog.open(config(), new Recovered())) {
            CompletableFuture<Long> a = new CompletableFuture<>();
            CompletableFuture<Long> b = new CompletableFuture<>();
            first = log.append((byte) 1, direct, WriteListener.completing(a));
            second = log.append((byte) 2, composite, WriteListener.completing(b));
            LogTesting.await(a);
            LogTesting.await(b);
        }
        assertEquals(0, direct.refCnt(), "the log released the body it was given");
        assertEquals(0, composite.refCnt());
        Map<Long, byte[]> bodies = reopenAndClose(config()).bodiesById();
        assertArrayEquals(bytes("direct "), bodies.get(first));
        assertArrayEquals(bytes("one two"), bodies.get(second));
    }

    @Test
    void concurrentAppendsShareFsyncs() throws Exception {
        int threads = 8;
        int perThread = 300;
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch acknowledged = new CountDownLatch(threads * perThread);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(config(), new Recovered())) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                producers.add(new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        log.append((byte) thread, Unpooled.wrappedBuffer(bytes(thread + ":" + i)), (id, failure) -> {
                            if (failure != null) {
                                failures.add(failure);
                            }
                            acknowledged.countDown();
                        });
                    }
                }));
            }
            producers.forEach(Thread::start);
            go.countDown();
            assertTrue(acknowledged.await(30, TimeUnit.SECONDS), "every append acknowledged");
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
            LogMetrics metrics = log.metrics();
            assertEquals(threads * perThread, metrics.appendsWritten());
            assertEquals(metrics.batches(), metrics.fsyncs(), "always: one fsync per batch");
            assertTrue(metrics.fsyncs() < threads * perThread,
                    "group commit: " + metrics.fsyncs() + " fsyncs for " + threads * perThread + " records");
        }
        for (Thread producer : producers) {
            producer.join();
        }
        Recovered recovered = reopenAndClose(config());
        assertEquals(threads * perThread, recovered.records.size());
        // Per producer thread, ids and recovery order follow the order of the calls.
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            List<String> bodies = recovered.records.stream().map(r -> new String(r.body()))
                    .filter(b -> b.startsWith(prefix)).toList();
            for (int i = 0; i < perThread; i++) {
                assertEquals(prefix + i, bodies.get(i));
            }
        }
    }

    @Test
    void alwaysAcknowledgesOnlyAfterAnFsync() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(config(), new Recovered())) {
            for (int i = 1; i <= 5; i++) {
                appendAndWait(log, "r" + i);
                assertTrue(log.metrics().fsyncs() >= i, "an fsync preceded acknowledgement " + i);
            }
        }
    }

    @Test
    void neverAcknowledgesWithoutFsyncAndCloseForcesOnce() throws IOException {
        LogConfig config = config().withFsync(FsyncPolicy.NEVER);
        SegmentedLog log = SegmentedLog.open(config, new Recovered());
        for (int i = 0; i < 20; i++) {
            appendAndWait(log, "r" + i);
        }
        assertEquals(0, log.metrics().fsyncs());
        log.close();
        assertEquals(1, log.metrics().fsyncs(), "close flushes and fsyncs");
        assertEquals(20, reopenAndClose(config).records.size());
    }

    @Test
    void intervalAcknowledgesBeforeFsyncAndForcesAtTheLatestOneIntervalLater() throws IOException {
        LogConfig config = config().withFsync(FsyncPolicy.interval(50));
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            appendAndWait(log, "first");
            await().atMost(Duration.ofSeconds(5)).until(() -> log.metrics().fsyncs() == 1);
            for (int i = 0; i < 200; i++) {
                appendAndWait(log, "r" + i);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> log.metrics().fsyncs() >= 2);
            long fsyncs = log.metrics().fsyncs();
            assertTrue(fsyncs < 100, "at most one fsync per 50 ms, not one per batch: " + fsyncs);
        }
    }

    @Test
    void intervalDoesNotForceBeforeTheIntervalHasPassed() throws IOException {
        LogConfig config = config().withFsync(FsyncPolicy.interval(3_600_000));
        SegmentedLog log = SegmentedLog.open(config, new Recovered());
        for (int i = 0; i < 10; i++) {
            appendAndWait(log, "r" + i);
        }
        assertEquals(0, log.metrics().fsyncs(), "acknowledged after the write, before any fsync");
        log.close();
        assertEquals(1, log.metrics().fsyncs());
        assertEquals(10, reopenAndClose(config).records.size());
    }

    @Test
    void rollsOverToNewSegmentsNamedByBase() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(smallSegments(), new Recovered())) {
            for (int i = 0; i < 40; i++) {
                ids.add(appendAndWait(log, 1, new byte[100]));
            }
            assertTrue(log.metrics().segments() >= 4, "121-byte frames, 8 per 1 KiB segment");
        }
        List<String> files = segmentFiles();
        assertEquals(5, files.size(), files.toString());
        assertEquals("00000000000000000000.seg", files.get(0));
        for (String file : files) {
            assertTrue(file.matches("[0-9]{20}\\.seg"), file);
            assertTrue(Files.size(dir.resolve(file)) <= 1024, file + " respects the segment size");
        }
        // A segment's base is above every id assigned before it was created, and so above every id in earlier segments.
        assertTrue(Segment.parseBase(files.get(1)) > ids.get(7));
        assertEquals(ids, reopenAndClose(smallSegments()).ids());
    }

    @Test
    void releasedRecordsStayGoneAndFullyReleasedSegmentsAreDeleted() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(smallSegments(), new Recovered())) {
            // Five segments: four of 8 records, the active one with 4 and room for the release records.
            for (int i = 0; i < 36; i++) {
                ids.add(appendAndWait(log, 1, bytes(String.format("%0100d", i))));
            }
            int before = segmentFiles().size();
            for (long id : ids.subList(0, 16)) {
                releaseAndWait(log, id);
            }
            assertEquals(20, log.metrics().liveRecords());
            // Deletion follows the acknowledgement of the release that emptied the segment.
            await().atMost(Duration.ofSeconds(5)).until(() -> log.metrics().segmentsDeleted() == 2);
            assertEquals(before - 2, segmentFiles().size(), "the first two segments held only released records");
            assertFalse(segmentFiles().contains("00000000000000000000.seg"));
        }
        assertEquals(ids.subList(16, 36), reopenAndClose(smallSegments()).ids());
    }

    @Test
    void releaseRecordsAreKeptWhileTheirTargetExistsAndDroppedAfter() throws IOException {
        LogConfig config = smallSegments();
        List<Long> ids = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            for (int i = 0; i < 16; i++) {
                ids.add(appendAndWait(log, 1, new byte[100]));
            }
            // Releases of the first segment's records, but one: they land in later segments.
            for (long id : ids.subList(0, 7)) {
                releaseAndWait(log, id);
            }
            for (int i = 0; i < 40; i++) {
                long id = appendAndWait(log, 1, new byte[100]);
                releaseAndWait(log, id);
            }
        }
        Recovered recovered = reopenAndClose(config);
        assertEquals(ids.subList(7, 16), recovered.ids(), "released records never resurface");
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            releaseAndWait(log, ids.get(7));
            for (int i = 0; i < 20; i++) {
                releaseAndWait(log, appendAndWait(log, 1, new byte[100]));
            }
        }
        assertEquals(ids.subList(8, 16), reopenAndClose(config).ids());
        assertFalse(segmentFiles().contains("00000000000000000000.seg"),
                "once the first segment is gone, the segments holding its release records could go too");
    }

    @Test
    void compactionCopiesLiveRecordsForwardWithTheirIdsAndDeletesTheSegment() throws IOException {
        LogConfig config = smallSegments().withCompactionThreshold(0.5);
        List<Long> kept = new ArrayList<>();
        Map<Long, byte[]> keptBodies = new java.util.HashMap<>();
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                byte[] body = bytes(String.format("%0100d", i));
                long id = appendAndWait(log, i % 2, body);
                ids.add(id);
                if (i % 8 == 3) {
                    kept.add(id);
                    keptBodies.put(id, body);
                }
            }
            for (long id : ids) {
                if (!kept.contains(id)) {
                    releaseAndWait(log, id);
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> log.metrics().segmentsCompacted() >= 3);
            assertFalse(segmentFiles().contains("00000000000000000000.seg"), "compacted segment deleted");
            assertEquals(kept.size(), log.metrics().liveRecords());
            // The copies are live records like any other: they can be released.
            releaseAndWait(log, kept.remove(0));
        }
        Recovered recovered = reopenAndClose(config);
        assertEquals(kept, recovered.ids(), "ids preserved");
        for (Recovered.Rec rec : recovered.records) {
            assertArrayEquals(keptBodies.get(rec.id()), rec.body());
            assertEquals((byte) 1, rec.type());
        }
        assertTrue(recovered.records.size() == 3);
    }

    @Test
    void releasingARecordThatIsNotLiveFails() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(config(), new Recovered())) {
            long id = appendAndWait(log, "once");
            releaseAndWait(log, id);
            for (long notLive : new long[] {id, 12345}) {
                CompletableFuture<Long> done = new CompletableFuture<>();
                log.release(notLive, WriteListener.completing(done));
                ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(10, TimeUnit.SECONDS));
                assertInstanceOf(IllegalArgumentException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("record " + notLive + " is not live"));
            }
        }
    }

    @Test
    void releaseMayBeRequestedBeforeTheAppendIsAcknowledged() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(config(), new Recovered())) {
            CompletableFuture<Long> appended = new CompletableFuture<>();
            long id = log.append((byte) 1, Unpooled.wrappedBuffer(bytes("short-lived")), WriteListener.completing(appended));
            releaseAndWait(log, id);
            assertEquals(id, LogTesting.await(appended));
        }
        assertEquals(List.of(), reopenAndClose(config()).records);
    }

    @Test
    void rejectsBadAppendsClearlyAndReleasesTheBody() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(smallSegments(), new Recovered())) {
            ByteBuf negative = Unpooled.buffer().writeByte(1);
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> log.append((byte) -3, negative, (id, f) -> { }));
            assertTrue(type.getMessage().contains("record type must be 0..127"), type.getMessage());
            assertEquals(0, negative.refCnt());

            ByteBuf huge = Unpooled.buffer().writeZero(1024 - RecordFrame.HEADER_BYTES + 1);
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> log.append((byte) 1, huge, (id, f) -> { }));
            assertTrue(size.getMessage().contains("does not fit a segment of 1024 bytes"), size.getMessage());
            assertEquals(0, huge.refCnt());

            appendAndWait(log, 1, new byte[1024 - RecordFrame.HEADER_BYTES]);
        }
    }

    @Test
    void appendsAfterCloseFailWithLogClosed() throws IOException {
        SegmentedLog log = SegmentedLog.open(config(), new Recovered());
        log.close();
        ByteBuf body = Unpooled.buffer().writeByte(1);
        CompletableFuture<Long> done = new CompletableFuture<>();
        log.append((byte) 1, body, WriteListener.completing(done));
        ExecutionException e = assertThrows(ExecutionException.class, () -> done.get(10, TimeUnit.SECONDS));
        assertInstanceOf(LogClosedException.class, e.getCause());
        assertEquals(0, body.refCnt());
    }

    @Test
    void closeWritesEverythingAlreadyRequested() throws IOException {
        SegmentedLog log = SegmentedLog.open(config().withFsync(FsyncPolicy.NEVER), new Recovered());
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            log.append((byte) 1, Unpooled.wrappedBuffer(bytes("r" + i)), WriteListener.completing(done));
            pending.add(done);
        }
        log.close();
        pending.forEach(done -> assertTrue(done.isDone() && !done.isCompletedExceptionally()));
        assertEquals(1000, reopenAndClose(config()).records.size());
    }

    @Test
    void aThrowingListenerDoesNotStopTheWriter() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(config(), new Recovered())) {
            log.append((byte) 1, Unpooled.wrappedBuffer(bytes("a")), (id, f) -> {
                throw new IllegalStateException("listener bug");
            });
            appendAndWait(log, "b");
        }
        assertEquals(2, reopenAndClose(config()).records.size());
    }

    @Test
    void closingFromAListenerIsRefused() throws Exception {
        SegmentedLog log = SegmentedLog.open(config(), new Recovered());
        CompletableFuture<Throwable> attempt = new CompletableFuture<>();
        log.append((byte) 1, Unpooled.wrappedBuffer(bytes("a")), (id, f) -> {
            try {
                log.close();
                attempt.complete(null);
            } catch (Throwable e) {
                attempt.complete(e);
            }
        });
        assertInstanceOf(IllegalStateException.class, attempt.get(10, TimeUnit.SECONDS));
        appendAndWait(log, "the writer carries on");
        log.close();
    }
}
