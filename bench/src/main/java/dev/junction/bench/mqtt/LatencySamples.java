package dev.junction.bench.mqtt;

import java.util.Arrays;
import java.util.List;

/**
 * End-to-end latencies of one receiving connection, kept exactly (runs are bounded in messages, so an array is
 * smaller and simpler than a histogram). Written by that connection's event loop only, read after the run.
 */
final class LatencySamples {
    private final long[] nanos;
    private final int skipFirst;
    private int seen;
    private int count;

    /** @param skipFirst samples ignored at the start while both JITs warm up */
    LatencySamples(int capacity, int skipFirst) {
        this.nanos = new long[capacity];
        this.skipFirst = skipFirst;
    }

    void record(long latencyNanos) {
        if (seen++ >= skipFirst && count < nanos.length) {
            nanos[count++] = latencyNanos;
        }
    }

    int count() {
        return count;
    }

    /** Every latency recorded, those skipped and those beyond the capacity included: the messages received. */
    int received() {
        return seen;
    }

    /** One set of the parts' samples, for percentiles over several connections. */
    static LatencySamples merged(List<LatencySamples> parts) {
        LatencySamples all = new LatencySamples(parts.stream().mapToInt(LatencySamples::count).sum(), 0);
        for (LatencySamples part : parts) {
            System.arraycopy(part.nanos, 0, all.nanos, all.count, part.count);
            all.count += part.count;
        }
        all.seen = all.count;
        return all;
    }

    /** Nearest-rank percentiles (e.g. 50, 99, 99.9); zeros when nothing was recorded. */
    long[] percentiles(double... percentiles) {
        long[] sorted = Arrays.copyOf(nanos, count);
        Arrays.sort(sorted);
        long[] values = new long[percentiles.length];
        for (int i = 0; i < percentiles.length && count > 0; i++) {
            // The epsilon keeps 99.9 % of 1000 at rank 999 despite binary floating point.
            int rank = (int) Math.ceil(percentiles[i] * count / 100 - 1e-9);
            values[i] = sorted[Math.max(rank, 1) - 1];
        }
        return values;
    }
}
