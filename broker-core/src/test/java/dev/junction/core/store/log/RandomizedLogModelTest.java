package dev.junction.core.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random appends, releases (some before their append is acknowledged), bursts and reopens against an in-memory
 * model of the live set. Small segments make rollover, deletion and compaction frequent.
 */
class RandomizedLogModelTest {

    private static final int OPERATIONS = 600;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void recoveredLiveSetAlwaysEqualsTheModel(long seed) throws IOException {
        Random random = new Random(seed);
        FsyncPolicy[] policies = {FsyncPolicy.ALWAYS, FsyncPolicy.interval(5), FsyncPolicy.NEVER};
        LogConfig config = LogConfig.defaults(dir)
                .withSegmentBytes(512 + random.nextInt(1024))
                .withFsync(policies[(int) (seed % policies.length)])
                .withCompactionThreshold(random.nextInt(4) * 0.2);
        String context = "seed " + seed + ", " + config;
        TreeMap<Long, byte[]> model = new TreeMap<>();
        int reopens = 0;
        long deleted = 0;
        long compacted = 0;
        SegmentedLog log = openAndCheck(config, model, context + ", initial open");
        try {
            for (int op = 0; op < OPERATIONS; op++) {
                int dice = random.nextInt(100);
                if (dice < 45) {
                    byte[] body = randomBody(random);
                    model.put(LogTesting.appendAndWait(log, random.nextInt(128), body), body);
                } else if (dice < 55) {
                    burst(log, random, model);
                } else if (dice < 90 && !model.isEmpty()) {
                    long id = pick(random, model);
                    model.remove(id);
                    LogTesting.releaseAndWait(log, id);
                } else if (dice < 94) {
                    byte[] body = randomBody(random);
                    CompletableFuture<Long> appended = new CompletableFuture<>();
                    long id = log.append((byte) 3, Unpooled.wrappedBuffer(body), WriteListener.completing(appended));
                    LogTesting.releaseAndWait(log, id);
                    LogTesting.await(appended);
                } else {
                    log.close();
                    deleted += log.metrics().segmentsDeleted();
                    compacted += log.metrics().segmentsCompacted();
                    reopens++;
                    log = openAndCheck(config, model, context + ", after operation " + op);
                }
            }
        } finally {
            log.close();
        }
        deleted += log.metrics().segmentsDeleted();
        compacted += log.metrics().segmentsCompacted();
        openAndCheck(config, model, context + ", final").close();
        assertTrue(reopens > 0, context + ": the sequence reopened the log at least once");
        assertTrue(deleted > 0, context + ": segments were deleted");
        assertTrue(config.compactionThreshold() == 0 || compacted > 0, context + ": segments were compacted");
    }

    /** Appends several records without waiting in between, so they share batches. */
    private static void burst(SegmentedLog log, Random random, Map<Long, byte[]> model) {
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        for (int i = 1 + random.nextInt(20); i > 0; i--) {
            byte[] body = randomBody(random);
            CompletableFuture<Long> done = new CompletableFuture<>();
            model.put(log.append((byte) 1, Unpooled.wrappedBuffer(body), WriteListener.completing(done)), body);
            pending.add(done);
        }
        pending.forEach(LogTesting::await);
    }

    private static SegmentedLog openAndCheck(LogConfig config, TreeMap<Long, byte[]> model, String context)
            throws IOException {
        Recovered recovered = new Recovered();
        SegmentedLog log = SegmentedLog.open(config, recovered);
        assertEquals(List.of(), log.recoveryReport().damage(), context);
        assertEquals(new ArrayList<>(model.keySet()), recovered.ids(), context + ": live ids, in id order");
        for (Recovered.Rec rec : recovered.records) {
            assertTrue(Arrays.equals(model.get(rec.id()), rec.body()), context + ": body of record " + rec.id());
        }
        assertEquals(model.size(), log.metrics().liveRecords(), context);
        return log;
    }

    private static byte[] randomBody(Random random) {
        byte[] body = new byte[random.nextInt(random.nextInt(10) == 0 ? 400 : 60)];
        random.nextBytes(body);
        return body;
    }

    private static long pick(Random random, TreeMap<Long, byte[]> model) {
        // Bias towards old records so that old segments thin out and get compacted or deleted.
        List<Long> ids = new ArrayList<>(model.keySet());
        int index = random.nextBoolean() ? random.nextInt(Math.min(ids.size(), 8)) : random.nextInt(ids.size());
        return ids.get(index);
    }
}
