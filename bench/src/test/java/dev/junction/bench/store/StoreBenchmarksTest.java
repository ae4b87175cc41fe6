package dev.junction.bench.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.junction.core.store.Recovered;
import dev.junction.core.store.log.LogMetrics;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each store benchmark's operation, run a few times on a small log: it must do the work it claims. */
class StoreBenchmarksTest {
    private static final int OUTSTANDING = 10;
    private static final int OPERATIONS = 50;
    private static final int RECORDS = 1_000;

    @ParameterizedTest
    @ValueSource(strings = {"never", "always"})
    void writeAndSettleKeepsOnlyTheOutstandingMessagesLive(String fsync) throws Exception {
        LogStoreBenchmark benchmark = new LogStoreBenchmark();
        benchmark.bodyBytes = 64;
        benchmark.fsync = fsync;
        benchmark.outstanding = OUTSTANDING;
        benchmark.open();
        try {
            for (int i = 0; i < OPERATIONS; i++) {
                benchmark.writeAndSettle();
            }
            // The queue's definition and every message appended; all but the last window settled.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                LogMetrics metrics = benchmark.metrics();
                assertEquals(1 + OPERATIONS, metrics.appendsWritten());
                assertEquals(OPERATIONS - OUTSTANDING, metrics.releasesWritten());
                assertEquals(1 + OUTSTANDING, metrics.liveRecords());
            });
        } finally {
            benchmark.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1024})
    void recoveryFindsEveryMessageEachTime(int bodyBytes) throws Exception {
        LogRecoveryBenchmark benchmark = new LogRecoveryBenchmark();
        benchmark.records = RECORDS;
        benchmark.bodyBytes = bodyBytes;
        benchmark.fill();
        try {
            for (int i = 0; i < 2; i++) {
                Recovered recovered = benchmark.recover();
                benchmark.closeStorage();
                assertEquals(RECORDS, recovered.messages().size());
                assertEquals(1, recovered.definitions().size());
            }
        } finally {
            benchmark.delete();
        }
    }
}
