package dev.junction.bench.store;

import dev.junction.bench.Payloads;
import dev.junction.core.message.Message;
import dev.junction.core.store.StoreListener;
import dev.junction.core.store.StoredMessage;
import dev.junction.core.store.log.LogMetrics;
import dev.junction.core.store.log.LogStorage;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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
 * Persistent messages per second through the log store, one publishing thread and the store's writer thread: each
 * operation writes a message for one durable queue and settles (acknowledges) the one written
 * {@code outstanding} operations before, as a consumer keeping up with a window of that many unacknowledged
 * messages would. At most {@code outstanding} writes wait to be reported stored: beyond that the publisher waits,
 * as flow control and publisher confirms make it wait in the broker. So the score is the store's sustained rate
 * with its writer's group commit, not the rate of filling its request queue.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogStoreBenchmark {
    @Param({"64", "1024"})
    public int bodyBytes;

    /** {@code never} or {@code always}: the latter measures the disk as much as the store. */
    @Param({"never"})
    public String fsync;

    /**
     * 20 is one MQTT publisher's window of unacknowledged QoS 1 publishes in the end-to-end runs; 1,000 is many
     * publishers, or one with a wide confirm window, keeping the writer's group commits large.
     */
    @Param({"20", "1000"})
    public int outstanding;

    private TemporaryLog log;
    private LogStorage storage;
    private ByteBuf body;
    /** The messages written and not yet settled, by operation number modulo {@code outstanding}. */
    private StoredMessage[] unsettled;
    private long written;
    private final AtomicLong stored = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile Thread waiting;
    private final StoreListener listener = failed -> {
        if (failed != null) {
            failure.compareAndSet(null, failed);
        }
        stored.incrementAndGet();
        Thread publisher = waiting;
        if (publisher != null) {
            LockSupport.unpark(publisher);
        }
    };

    @Setup(Level.Trial)
    public void open() throws IOException {
        log = new TemporaryLog(TemporaryLog.fsync(fsync));
        storage = log.storage();
        body = Payloads.direct(bodyBytes);
        unsettled = new StoredMessage[outstanding];
    }

    @Benchmark
    public void writeAndSettle() {
        awaitStored(written - outstanding + 1);
        int slot = (int) (written % outstanding);
        if (unsettled[slot] != null) {
            storage.settle(unsettled[slot], log.queue[0]);
        }
        Message message = TemporaryLog.message(body);
        unsettled[slot] = storage.write(message, log.queue, listener);
        message.release();
        written++;
    }

    /** Parks until at least {@code count} writes are reported stored; the store's listener unparks. */
    private void awaitStored(long count) {
        if (stored.get() >= count) {
            return;
        }
        waiting = Thread.currentThread();
        while (stored.get() < count) {
            LockSupport.park(this);
        }
        waiting = null;
        Throwable failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("the store failed a write", failed);
        }
    }

    LogMetrics metrics() {
        return storage.metrics();
    }

    /** Waits for every write, then settles what is left, so the store holds no message when it closes. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        awaitStored(written);
        for (StoredMessage message : unsettled) {
            if (message != null) {
                storage.settle(message, log.queue[0]);
            }
        }
        body.release();
        log.close();
    }
}
