package dev.junction.bench.store;

import dev.junction.bench.Payloads;
import dev.junction.core.message.Message;
import dev.junction.core.store.Recovered;
import dev.junction.core.store.StoreListener;
import dev.junction.core.store.log.FsyncPolicy;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * How long the broker's start takes to recover a log holding {@code records} unsettled persistent messages of one
 * durable queue: opening the store (reading every segment, rebuilding the record index) and taking what it
 * recovered. The files were just written, so they are in the OS page cache: this is the CPU side of recovery, not
 * the disk's read time after a reboot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class LogRecoveryBenchmark {
    @Param({"100000"})
    public int records;

    @Param({"64", "1024"})
    public int bodyBytes;

    private TemporaryLog log;

    @Setup(Level.Trial)
    public void fill() throws IOException, InterruptedException {
        log = new TemporaryLog(FsyncPolicy.NEVER);
        ByteBuf body = Payloads.direct(bodyBytes);
        CountDownLatch stored = new CountDownLatch(records);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        StoreListener listener = failed -> {
            if (failed != null) {
                failure.compareAndSet(null, failed);
            }
            stored.countDown();
        };
        for (int i = 0; i < records; i++) {
            Message message = TemporaryLog.message(body);
            log.storage().messages().write(message, log.queue, listener);
            message.release();
        }
        body.release();
        if (!stored.await(1, TimeUnit.MINUTES) || failure.get() != null) {
            throw new IllegalStateException("filling the log failed: " + stored.getCount()
                    + " writes not reported stored", failure.get());
        }
        log.closeStorage();
    }

    @Benchmark
    public Recovered recover() throws IOException {
        return log.open().takeRecovered();
    }

    @TearDown(Level.Invocation)
    public void closeStorage() throws IOException {
        log.closeStorage();
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        log.close();
    }
}
