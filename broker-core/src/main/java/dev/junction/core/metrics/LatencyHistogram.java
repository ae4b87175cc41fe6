package dev.junction.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * Durations counted into fixed buckets, from many threads at once without contention (striped adders), for a
 * Prometheus histogram read at scrape time. Recording is a few comparisons and two adder increments, cheap enough
 * for every delivery and every fsync.
 */
public final class LatencyHistogram {
    /** Upper bounds in seconds, 100 µs to 10 s: from a fast in-memory hop to a stalled disk. */
    public static final double[] UPPER_BOUNDS_SECONDS = {
            0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final long[] UPPER_BOUNDS_NANOS = new long[UPPER_BOUNDS_SECONDS.length];

    static {
        for (int i = 0; i < UPPER_BOUNDS_SECONDS.length; i++) {
            UPPER_BOUNDS_NANOS[i] = Math.round(UPPER_BOUNDS_SECONDS[i] * 1e9);
        }
    }

    /** One adder per bound, and a last one for everything above the largest bound. */
    private final LongAdder[] buckets = new LongAdder[UPPER_BOUNDS_NANOS.length + 1];
    private final LongAdder sumNanos = new LongAdder();

    public LatencyHistogram() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one duration; a negative one (clocks of different threads) counts as zero. */
    public void record(long nanos) {
        long duration = Math.max(0, nanos);
        int bucket = 0;
        while (bucket < UPPER_BOUNDS_NANOS.length && duration > UPPER_BOUNDS_NANOS[bucket]) {
            bucket++;
        }
        buckets[bucket].increment();
        sumNanos.add(duration);
    }

    /** A consistent-enough view for one scrape: counts per bucket (not cumulative), the last one unbounded. */
    public Snapshot snapshot() {
        long[] counts = new long[buckets.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = buckets[i].sum();
        }
        return new Snapshot(counts, sumNanos.sum() / 1e9);
    }

    /** @param bucketCounts observations per bucket, aligned with {@link #UPPER_BOUNDS_SECONDS} plus +Inf */
    public record Snapshot(long[] bucketCounts, double sumSeconds) {
        public long count() {
            long count = 0;
            for (long bucket : bucketCounts) {
                count += bucket;
            }
            return count;
        }
    }
}
