package dev.junction.server.alarm;

import io.netty.util.internal.PlatformDependent;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * Memory in use against {@code memory.high_watermark}, a fraction of what the JVM may use: the heap's maximum plus
 * the direct-memory limit that holds Netty's buffers. Heap use is taken as it was after the last collection of
 * each pool where the JVM reports it, so garbage waiting for the next young collection does not raise the alarm.
 */
public final class MemoryCheck implements ResourceAlarms.Check {
    private final double watermark;
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    private final List<BufferPoolMXBean> bufferPools =
            ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
    private final long limitBytes;

    public MemoryCheck(double watermark) {
        this.watermark = watermark;
        long maxHeap = Runtime.getRuntime().maxMemory();
        this.limitBytes = (long) (watermark * (maxHeap + PlatformDependent.maxDirectMemory()));
    }

    @Override
    public String breach() {
        long used = heapInUse() + directInUse();
        return used > limitBytes ? "memory high: " + used + " bytes in use, above memory.high_watermark "
                + watermark + " (" + limitBytes + " bytes)" : null;
    }

    private long heapInUse() {
        long used = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage afterCollection = pool.getCollectionUsage();
            used += afterCollection != null ? afterCollection.getUsed() : pool.getUsage().getUsed();
        }
        return used;
    }

    /** Netty counts its own direct buffers when it allocates them without a cleaner; the JDK counts the rest. */
    private long directInUse() {
        long netty = Math.max(0, PlatformDependent.usedDirectMemory());
        long jdk = bufferPools.stream().filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
        return netty + jdk;
    }
}
