package dev.junction.core.store.log;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.Definition.StateRecord;
import dev.junction.core.store.Recovered;
import dev.junction.core.store.RecoveredMessages;
import dev.junction.core.store.StorageSettings;
import dev.junction.core.store.StoreListener;
import dev.junction.core.store.StoredMessage;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Under {@code always}, definitions and messages are forced before they are acknowledged, settles are written and not
 * forced. A power cut may then keep any part of them: whatever it
 * keeps, recovery must bring back every message that was not settled, each once, and must never release a record
 * twice. Simulated on a copy of the directory taken while the log is open (what {@code kill -9} leaves), cut off at
 * every byte of the unforced tail, and with each unforced frame blanked alone (the OS writing pages back out of order).
 */
class LogStorageDurabilityTest {

    private static final Path SEGMENT = Path.of("00000000000000000000.seg");

    @TempDir
    Path root;
    private final ListAppender<ILoggingEvent> warnings = new ListAppender<>();

    @BeforeEach
    void captureWarnings() {
        warnings.start();
        for (Class<?> type : List.of(LogStorage.class, SegmentedLog.class)) {
            ((Logger) LoggerFactory.getLogger(type)).addAppender(warnings);
        }
    }

    @AfterEach
    void releaseWarnings() {
        for (Class<?> type : List.of(LogStorage.class, SegmentedLog.class)) {
            ((Logger) LoggerFactory.getLogger(type)).detachAppender(warnings);
        }
    }

    private static StorageSettings settings(Path directory) {
        return new StorageSettings(directory, FsyncPolicy.ALWAYS, 1 << 20);
    }

    private static long putQueue(LogStorage storage, String name) throws Exception {
        CompletableFuture<Throwable> stored = new CompletableFuture<>();
        long id = storage.put(new QueueDefinition("/", name, false, Map.of()), stored::complete);
        assertNull(stored.get(10, TimeUnit.SECONDS));
        return id;
    }

    private static StoredMessage write(LogStorage storage, String body, long... queueIds) throws Exception {
        Message message = new Message("amq.direct", "k", MessageProperties.EMPTY.withDeliveryMode(2),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        CompletableFuture<Throwable> stored = new CompletableFuture<>();
        StoredMessage handle = storage.messages().write(message, queueIds, stored::complete);
        assertNull(stored.get(10, TimeUnit.SECONDS));
        message.release();
        return handle;
    }

    @Test
    void definitionChangesAreForcedSettlesAreNot() throws Exception {
        try (LogStorage storage = LogStorage.open(settings(root))) {
            long queue = putQueue(storage, "q");
            StoredMessage message = write(storage, "m", queue);
            long fsyncs = storage.metrics().fsyncs();
            storage.settle(message, queue);
            await().atMost(Duration.ofSeconds(10)).until(() -> storage.metrics().releasesWritten() == 1);
            assertEquals(fsyncs, storage.metrics().fsyncs(), "a settle is not forced");

            StateRecord first = new StateRecord("ns", "key", new byte[] {1});
            StateRecord second = new StateRecord("ns", "key", new byte[] {2});
            for (Consumer<StoreListener> change : List.<Consumer<StoreListener>>of(
                    listener -> storage.put(first, listener),
                    listener -> storage.put(second, listener),
                    listener -> storage.remove(second, listener))) {
                long before = storage.metrics().fsyncs();
                CompletableFuture<Throwable> stored = new CompletableFuture<>();
                change.accept(stored::complete);
                assertNull(stored.get(10, TimeUnit.SECONDS));
                assertTrue(storage.metrics().fsyncs() > before, "a definition change is forced before it is acknowledged");
            }
            // The replaced record's release went with the second put: nothing was left unforced by the changes.
            await().atMost(Duration.ofSeconds(10)).until(() -> storage.metrics().releasesWritten() == 3);
            assertEquals(1, storage.metrics().unforcedBatches(), "only the settle's batch");
        }
    }

    @Test
    void unforcedSettlesLostInAnyPartNeverLoseALiveMessageNorFreeARecordTwice() throws Exception {
        Path live = root.resolve("live");
        Files.createDirectories(live);
        long q1;
        long q2;
        // Per message: the queues it must come back in (it was not settled there), and those it may come back in.
        Map<Long, Set<Long>> mustHold = new HashMap<>();
        Map<Long, Set<Long>> mayHold = new HashMap<>();
        long forcedBytes;
        Path crashed = root.resolve("crashed");
        try (LogStorage storage = LogStorage.open(settings(live))) {
            q1 = putQueue(storage, "q1");
            q2 = putQueue(storage, "q2");
            StoredMessage shared = write(storage, "for both", q1, q2);
            StoredMessage halfSettled = write(storage, "for both, q1 settles", q1, q2);
            List<StoredMessage> settledOnes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                long kept = write(storage, "kept " + i, q1).recordId();
                mustHold.put(kept, Set.of(q1));
                mayHold.put(kept, Set.of(q1));
                settledOnes.add(write(storage, "settled " + i, q1));
            }
            long fsyncs = storage.metrics().fsyncs();
            forcedBytes = Files.size(live.resolve(SEGMENT));

            storage.settle(halfSettled, q1);
            storage.settle(shared, q1);
            storage.settle(shared, q2);
            for (StoredMessage message : settledOnes) {
                storage.settle(message, q1);
                mayHold.put(message.recordId(), Set.of(q1));
            }
            mayHold.put(shared.recordId(), Set.of(q1, q2));
            mustHold.put(halfSettled.recordId(), Set.of(q2));
            mayHold.put(halfSettled.recordId(), Set.of(q1, q2));
            // Settle records: one for each shared message's first settle; releases: the shared message, its
            // settle record and the three single-queue messages.
            await().atMost(Duration.ofSeconds(10)).until(() -> storage.metrics().releasesWritten() == 5
                    && storage.metrics().appendsWritten() == 2 + 8 + 2);
            assertEquals(fsyncs, storage.metrics().fsyncs(), "settles alone are not forced");
            assertTrue(storage.metrics().unforcedBatches() > 0);
            copy(live, crashed);
        }

        List<Long> frameStarts = frameStarts(Files.readAllBytes(crashed.resolve(SEGMENT)), forcedBytes);
        long fullBytes = Files.size(crashed.resolve(SEGMENT));
        int recoveries = 0;
        for (long cut = forcedBytes; cut <= fullBytes; cut++) {
            Path powerCut = root.resolve("cut-" + cut);
            copy(crashed, powerCut);
            try (FileChannel segment = FileChannel.open(powerCut.resolve(SEGMENT), StandardOpenOption.WRITE)) {
                segment.truncate(cut);
            }
            assertRecoversConsistently(powerCut, mustHold, mayHold, cut == fullBytes);
            recoveries++;
        }
        for (int frame = 0; frame < frameStarts.size() - 1; frame++) {
            Path hole = root.resolve("hole-" + frame);
            copy(crashed, hole);
            long start = frameStarts.get(frame);
            try (FileChannel segment = FileChannel.open(hole.resolve(SEGMENT), StandardOpenOption.WRITE)) {
                segment.write(ByteBuffer.allocate((int) (frameStarts.get(frame + 1) - start)), start);
            }
            assertRecoversConsistently(hole, mustHold, mayHold, false);
            recoveries++;
        }
        assertTrue(recoveries > 100, "every byte of the unforced tail was a cut: " + recoveries);
        List<String> failedWrites = warnings.list.stream().filter(e -> e.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("was not written")).toList();
        assertEquals(List.of(), failedWrites, "no release of a record that was not live");
    }

    /**
     * Opens the storage on a damaged copy, checks what it recovered, settles every recovered message where it came
     * back, and checks that a second recovery then finds no message and only the two queues.
     */
    private static void assertRecoversConsistently(Path directory, Map<Long, Set<Long>> mustHold,
                                                   Map<Long, Set<Long>> mayHold, boolean wholeTail) throws Exception {
        try (LogStorage storage = LogStorage.open(settings(directory))) {
            Recovered recovered = storage.takeRecovered();
            assertEquals(Set.of("q1", "q2"), recovered.definitions().stream()
                    .map(d -> ((QueueDefinition) d).name()).collect(Collectors.toSet()));
            RecoveredMessages messages = recovered.messages();
            Map<Long, Set<Long>> holders = new HashMap<>();
            for (int i = 0; i < messages.size(); i++) {
                long id = messages.recordId(i);
                Set<Long> queues = Arrays.stream(messages.queueIds(i)).boxed().collect(Collectors.toSet());
                assertNull(holders.put(id, queues), directory + ": message " + id + " recovered twice");
                assertTrue(mayHold.getOrDefault(id, Set.of()).containsAll(queues),
                        directory + ": message " + id + " back in " + queues);
            }
            mustHold.forEach((id, queues) -> assertTrue(holders.getOrDefault(id, Set.of()).containsAll(queues),
                    directory + ": message " + id + " lost from " + queues + ": " + holders));
            if (wholeTail) {
                assertEquals(mustHold, holders, "with the whole tail every settle holds");
            }
            for (int i = 0; i < messages.size(); i++) {
                StoredMessage handle = messages.stored(i);
                for (long queue : messages.queueIds(i)) {
                    storage.settle(handle, queue);
                }
            }
        }
        try (LogStorage storage = LogStorage.open(settings(directory))) {
            Recovered recovered = storage.takeRecovered();
            assertEquals(0, recovered.messages().size(), directory + ": every message settled after recovery");
            assertEquals(2, recovered.definitions().size());
        }
    }

    /** Where each frame starts from {@code from} on, and the end of the last one. */
    private static List<Long> frameStarts(byte[] segment, long from) {
        List<Long> starts = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(segment);
        long position = from;
        while (position < segment.length) {
            starts.add(position);
            position += RecordFrame.HEADER_BYTES - RecordFrame.MIN_LENGTH + buffer.getInt((int) position + 4);
        }
        starts.add(position);
        return starts;
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }
}
