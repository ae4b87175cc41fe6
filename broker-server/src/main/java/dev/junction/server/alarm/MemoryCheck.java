package dev.junction.server.alarm;

import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Each memory pool the broker can run out of against {@code memory.high_watermark} of its own limit: the heap
 * against its maximum, and direct memory (Netty's buffers, where message bodies live, and the JDK's own direct
 * buffers) against the direct-memory limit. Either pool alone can be exhausted while the other is nearly empty, so a
 * sum of the two would trip too late. Heap use leaves out the young generation's garbage: eden counts as it was
 * after the last collection, the other pools as they are. Whether old heap above the mark is in use or garbage only
 * a collection tells. A busy broker collects on its own; an idle one (publishers held, nothing consumed) may never
 * again, and would keep its alarm forever: so a reading above the mark when no collection ran for
 * {@link #COLLECTION_INTERVAL_NANOS} asks for one, and the reading after it decides.
 * <p>
 * A timer alone is outrun: a loopback publisher fills 64 MB in a few milliseconds. So each check also grants the
 * connections a read budget, half of the room left below the mark in the fuller pool, and {@link ReadAdmission}
 * spends it on every socket read; a read that exhausts it runs the check at once, before its bytes are handed on.
 * Half, because bytes read may take up to twice their size in memory (a heap object of 1 MB rounds up to whole
 * regions; a decoder's buffer is copied as it grows): whatever the machine's speed, memory reaches the mark only
 * through a check, which raises the alarm. Bytes read since the last collection count as heap in use (up to eden's
 * size now): they may be bodies alive in eden, which the heap reading leaves out.
 */
public final class MemoryCheck implements ResourceAlarms.Check {
    /** Above this share of its limit a pool is checked at once again rather than after the full period. */
    private static final double CLOSE = 0.5;
    /** How long the heap may sit above the mark without any collection before the check asks for one. */
    private static final long COLLECTION_INTERVAL_NANOS = 5_000_000_000L;
    /** The least a check grants, so that reads at the mark (acks of a blocked broker) do not each run a check. */
    private static final long MIN_READ_BUDGET = 64 * 1024;

    private final double watermark;
    private final LongSupplier queuedBytes;
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    private final List<BufferPoolMXBean> jdkDirectPools = ManagementFactory
            .getPlatformMXBeans(BufferPoolMXBean.class).stream().filter(pool -> pool.getName().equals("direct"))
            .toList();
    private final long heapLimit;
    private final long directLimit;
    private volatile boolean close;
    /** Bytes the connections may still read before the next check; spent by every event loop, set by each check. */
    private final AtomicLong readBudget = new AtomicLong();
    /**
     * Touched by checks only (under the alarms' lock): the budget the last check granted, and how many bytes were
     * read since the last collection. Those may still be alive in eden, which {@link #heapInUse()} leaves out; a
     * check that did not count them would grant the same room again and again while eden fills with bodies.
     */
    private long granted;
    private long readSinceCollection;
    private long collectionsAtLastCheck = -1;
    private final List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    /**
     * Touched by checks only (under the alarms' lock): the collection count seen last, and since when it has not
     * moved.
     */
    private long collections = -1;
    private long collectionsSince;

    /**
     * @param queuedBytes the bytes of message bodies the queues hold in memory now: named in the alarm, so that the
     *                    operator sees whether queues or something else fill the memory
     */
    public MemoryCheck(double watermark, LongSupplier queuedBytes) {
        this.watermark = watermark;
        this.queuedBytes = queuedBytes;
        this.heapLimit = (long) (watermark * Runtime.getRuntime().maxMemory());
        this.directLimit = (long) (watermark * PlatformDependent.maxDirectMemory());
    }

    @Override
    public String breach() {
        long read = granted - readBudget.get();
        long count = collectionCount();
        readSinceCollection = count == collectionsAtLastCheck ? readSinceCollection + read : read;
        collectionsAtLastCheck = count;
        long heap = heapInUse() + Math.min(readSinceCollection, edenInUse());
        if (heap > heapLimit && idleSinceLastCollection()) {
            System.gc();
            readSinceCollection = 0;
            heap = heapInUse();
        }
        // Netty counts the buffers it allocates without a cleaner against its own counter; the JDK counts the rest.
        // Each counter has the direct limit to itself.
        long netty = Math.max(0, PlatformDependent.usedDirectMemory());
        long jdk = jdkDirectPools.stream().mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        long direct = Math.max(netty, jdk);
        close = heap > CLOSE * heapLimit || direct > CLOSE * directLimit;
        granted = Math.max(MIN_READ_BUDGET, Math.min(heapLimit - heap, directLimit - direct) / 2);
        readBudget.set(granted);
        if (direct > directLimit) {
            return breach("direct memory", direct, directLimit);
        }
        return heap > heapLimit ? breach("heap", heap, heapLimit) : null;
    }

    private String breach(String pool, long used, long limit) {
        return "memory high: " + pool + " " + used + " bytes in use (queues hold " + queuedBytes.getAsLong()
                + " bytes of message bodies), above memory.high_watermark " + watermark + " of its limit ("
                + limit + " bytes)";
    }

    /** Any thread, on every socket read: whether these bytes exhaust the read budget, so that a check is due now. */
    boolean spend(long bytes) {
        return readBudget.addAndGet(-bytes) < 0;
    }

    @Override
    public boolean isClose() {
        return close;
    }

    /** Whether no collection ran for {@link #COLLECTION_INTERVAL_NANOS}; the clock restarts at every collection. */
    private boolean idleSinceLastCollection() {
        long count = collectionCount();
        long now = System.nanoTime();
        if (count != collections) {
            collections = count;
            collectionsSince = now;
            return false;
        }
        if (now - collectionsSince < COLLECTION_INTERVAL_NANOS) {
            return false;
        }
        collectionsSince = now;
        return true;
    }

    private long collectionCount() {
        return collectors.stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private long edenInUse() {
        return heapPools.stream().filter(pool -> pool.getName().contains("Eden"))
                .mapToLong(pool -> pool.getUsage().getUsed()).sum();
    }

    private long heapInUse() {
        long used = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage afterCollection = pool.getName().contains("Eden") ? pool.getCollectionUsage() : null;
            used += afterCollection != null ? afterCollection.getUsed() : pool.getUsage().getUsed();
        }
        return used;
    }
}
