package dev.junction.core.store.log;

import static dev.junction.core.store.log.LogTesting.appendAndWait;
import static dev.junction.core.store.log.LogTesting.bytes;
import static dev.junction.core.store.log.LogTesting.releaseAndWait;
import static dev.junction.core.store.log.LogTesting.reopenAndClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

class LogRecoveryTest {

    private static final Path FIRST_SEGMENT = Path.of("00000000000000000000.seg");

    @TempDir
    Path root;

    private record Written(List<Long> ids, List<byte[]> bodies, List<Long> offsets) {
        long frameBytes(int index) {
            return RecordFrame.frameBytes(bodies.get(index).length);
        }
    }

    /** Writes {@code count} records of varied sizes into one segment and closes the log. */
    private static Written writeRecords(LogConfig config, int count) throws IOException {
        List<Long> ids = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        long offset = 0;
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            for (int i = 0; i < count; i++) {
                byte[] body = bytes("record " + i + " " + "#".repeat(7 * i));
                ids.add(appendAndWait(log, 2, body));
                bodies.add(body);
                offsets.add(offset);
                offset += RecordFrame.frameBytes(body.length);
            }
        }
        return new Written(ids, bodies, offsets);
    }

    private static void assertRecovered(Written written, int count, Recovered recovered) {
        assertEquals(written.ids().subList(0, count), recovered.ids());
        for (int i = 0; i < count; i++) {
            assertArrayEquals(written.bodies().get(i), recovered.records.get(i).body());
        }
    }

    @Test
    void aTailTornAtAnyByteIsCutOffAndAppendsContinue() throws IOException {
        Path pristine = root.resolve("pristine");
        Written written = writeRecords(LogConfig.defaults(pristine), 10);
        long lastStart = written.offsets().get(9);
        long end = lastStart + written.frameBytes(9);
        assertEquals(end, Files.size(pristine.resolve(FIRST_SEGMENT)));

        for (long cut = lastStart; cut < end; cut++) {
            Path dir = root.resolve("cut-" + cut);
            Files.createDirectories(dir);
            Path segment = dir.resolve(FIRST_SEGMENT);
            Files.copy(pristine.resolve(FIRST_SEGMENT), segment);
            try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                file.truncate(cut);
            }
            LogConfig config = LogConfig.defaults(dir);
            Recovered recovered = new Recovered();
            long appended;
            try (SegmentedLog log = SegmentedLog.open(config, recovered)) {
                assertRecovered(written, 9, recovered);
                List<LogDamage> damage = log.recoveryReport().damage();
                if (cut == lastStart) {
                    assertEquals(List.of(), damage, "a cut at a record boundary leaves nothing torn");
                } else {
                    assertEquals(List.of(new LogDamage(segment, lastStart, cut - lastStart,
                            LogDamage.Kind.TORN_TAIL_TRUNCATED, RecordFrame.Defect.TRUNCATED.description)), damage);
                }
                assertEquals(lastStart, Files.size(segment), "torn bytes cut off the file");
                appended = appendAndWait(log, "after the tear at " + cut);
            }
            Recovered again = new Recovered();
            try (SegmentedLog log = SegmentedLog.open(config, again)) {
                assertEquals(List.of(), log.recoveryReport().damage(), "cut at " + cut);
            }
            assertEquals(10, again.records.size());
            assertEquals(appended, again.records.get(9).id());
            assertArrayEquals(bytes("after the tear at " + cut), again.records.get(9).body());
        }
    }

    @Test
    void aZeroFilledTailIsCutOff() throws IOException {
        LogConfig config = LogConfig.defaults(root);
        Written written = writeRecords(config, 5);
        Path segment = root.resolve(FIRST_SEGMENT);
        long size = Files.size(segment);
        Files.write(segment, new byte[4096], StandardOpenOption.APPEND);
        Recovered recovered = new Recovered();
        try (SegmentedLog log = SegmentedLog.open(config, recovered)) {
            assertEquals(List.of(new LogDamage(segment, size, 4096, LogDamage.Kind.TORN_TAIL_TRUNCATED,
                    RecordFrame.Defect.NO_MAGIC.description)), log.recoveryReport().damage());
        }
        assertRecovered(written, 5, recovered);
        assertEquals(size, Files.size(segment));
    }

    /** Offsets within the frame of the damaged record: magic, length, crc, type, id, body start, body end. */
    @ParameterizedTest
    @ValueSource(ints = {0, 3, 4, 6, 8, 11, 12, 13, 20, 21, 40, -1})
    void aCorruptRecordInTheMiddleIsReportedSkippedAndLeftInPlace(int byteInFrame) throws IOException {
        LogConfig config = LogConfig.defaults(root);
        Written written = writeRecords(config, 10);
        Path segment = root.resolve(FIRST_SEGMENT);
        long start = written.offsets().get(5);
        long frameBytes = written.frameBytes(5);
        long flipAt = start + (byteInFrame >= 0 ? byteInFrame : frameBytes - 1);
        byte[] file = Files.readAllBytes(segment);
        file[(int) flipAt] ^= (byte) 0x5A;
        Files.write(segment, file);

        ListAppender<ILoggingEvent> logged = captureLogOf(LogRecovery.class);
        Recovered recovered = new Recovered();
        try (SegmentedLog log = SegmentedLog.open(config, recovered)) {
            List<LogDamage> damage = log.recoveryReport().damage();
            assertEquals(1, damage.size(), damage::toString);
            LogDamage skipped = damage.get(0);
            assertEquals(segment, skipped.file());
            assertEquals(start, skipped.offset());
            assertEquals(frameBytes, skipped.length());
            assertEquals(LogDamage.Kind.CORRUPT_RECORD_SKIPPED, skipped.kind());
            assertFalse(skipped.detail().isEmpty());
            assertEquals(9, log.recoveryReport().liveRecords());
        } finally {
            release(logged, LogRecovery.class);
        }
        List<Long> expected = new ArrayList<>(written.ids());
        expected.remove(5);
        assertEquals(expected, recovered.ids(), "every other record recovered");
        assertEquals(file.length, Files.size(segment), "a skipped record is not cut out of the file");
        ILoggingEvent warning = logged.list.stream().filter(e -> e.getLevel() == Level.WARN).findFirst().orElseThrow();
        String message = warning.getFormattedMessage();
        assertTrue(message.contains(segment.toString()) && message.contains("offset " + start), message);
    }

    @Test
    void corruptionInAnEarlierSegmentIsSkippedAndLaterSegmentsStillRecover() throws IOException {
        LogConfig config = LogConfig.defaults(root).withSegmentBytes(512).withCompactionThreshold(0);
        List<Long> ids = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            for (int i = 0; i < 12; i++) {
                ids.add(appendAndWait(log, 1, new byte[100]));
            }
        }
        Path first = root.resolve(FIRST_SEGMENT);
        byte[] file = Files.readAllBytes(first);
        file[121 + 50] ^= 1; // inside the body of the second record
        Files.write(first, file);
        Recovered recovered = new Recovered();
        try (SegmentedLog log = SegmentedLog.open(config, recovered)) {
            LogDamage damage = log.recoveryReport().damage().get(0);
            assertEquals(new LogDamage(first, 121, 121, LogDamage.Kind.CORRUPT_RECORD_SKIPPED,
                    RecordFrame.Defect.CRC_MISMATCH.description), damage);
        }
        ids.remove(1);
        assertEquals(ids, recovered.ids());
    }

    @Test
    void garbageBetweenRecordsIsSkippedByResynchronising() throws IOException {
        LogConfig config = LogConfig.defaults(root);
        Written written = writeRecords(config, 4);
        Path segment = root.resolve(FIRST_SEGMENT);
        byte[] original = Files.readAllBytes(segment);
        int splitAt = written.offsets().get(2).intValue();
        byte[] garbage = new byte[333];
        new java.util.Random(7).nextBytes(garbage);
        byte[] damaged = new byte[original.length + garbage.length];
        System.arraycopy(original, 0, damaged, 0, splitAt);
        System.arraycopy(garbage, 0, damaged, splitAt, garbage.length);
        System.arraycopy(original, splitAt, damaged, splitAt + garbage.length, original.length - splitAt);
        Files.write(segment, damaged);
        Recovered recovered = new Recovered();
        try (SegmentedLog log = SegmentedLog.open(config, recovered)) {
            LogDamage damage = log.recoveryReport().damage().get(0);
            assertEquals(splitAt, damage.offset());
            assertEquals(garbage.length, damage.length());
        }
        assertRecovered(written, 4, recovered);
    }

    @Test
    void anInterruptedCompactionIsFinishedOnOpenWithoutDuplicatesOrResurrection() throws IOException {
        LogConfig config = LogConfig.defaults(root).withSegmentBytes(1024).withCompactionThreshold(0);
        List<Long> ids = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            for (int i = 0; i < 10; i++) {
                ids.add(appendAndWait(log, 1, bytes(String.format("%0100d", i))));
            }
        }
        // As if a compaction crashed while copying the first segment's frames to the end of the active one: four
        // copies complete, the fifth torn.
        List<Path> segments;
        try (var files = Files.list(root)) {
            segments = files.sorted().toList();
        }
        assertEquals(2, segments.size());
        byte[] copied = java.util.Arrays.copyOf(Files.readAllBytes(segments.get(0)), 4 * 121 + 60);
        Files.write(segments.get(1), copied, StandardOpenOption.APPEND);

        Recovered recovered = new Recovered();
        try (SegmentedLog log = SegmentedLog.open(config, recovered)) {
            assertEquals(ids, recovered.ids(), "each record once");
            assertFalse(Files.exists(segments.get(0)), "the superseded segment is compacted away on open");
            assertEquals(1, log.metrics().segmentsCompacted());
            releaseAndWait(log, ids.get(0));
        }
        List<Long> live = ids.subList(1, ids.size());
        assertEquals(live, reopenAndClose(config).ids());
    }

    private static ListAppender<ILoggingEvent> captureLogOf(Class<?> type) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender, Class<?> type) {
        ((Logger) LoggerFactory.getLogger(type)).detachAppender(appender);
    }
}
