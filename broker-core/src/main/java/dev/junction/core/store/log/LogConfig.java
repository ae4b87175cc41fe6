package dev.junction.core.store.log;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How a {@link SegmentedLog} lays out and syncs its files.
 *
 * @param directory           where the segment files live; created if missing. Locking it is the caller's job.
 * @param segmentBytes        a segment is sealed and a new one started once the next record would not fit; also the
 *                            largest record frame accepted
 * @param fsync               when writes are forced to disk and acknowledged
 * @param compactionThreshold a sealed segment whose live bytes fall below this fraction of its size has its live
 *                            records copied forward and is deleted; 0 disables compaction (fully dead segments are
 *                            still deleted)
 */
public record LogConfig(Path directory, long segmentBytes, FsyncPolicy fsync, double compactionThreshold) {

    public static final long DEFAULT_SEGMENT_BYTES = 64L << 20;
    public static final double DEFAULT_COMPACTION_THRESHOLD = 0.5;
    /** Small enough for tests to roll segments quickly, large enough to hold a frame with a useful body. */
    public static final long MIN_SEGMENT_BYTES = 256;
    /** Segments are memory-mapped whole during recovery and compaction, and a mapping is limited to 2 GiB. */
    public static final long MAX_SEGMENT_BYTES = Integer.MAX_VALUE;

    public LogConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException("segment size must be between " + MIN_SEGMENT_BYTES + " and "
                    + MAX_SEGMENT_BYTES + " bytes, got " + segmentBytes);
        }
        if (!(compactionThreshold >= 0 && compactionThreshold < 1)) {
            throw new IllegalArgumentException("compaction threshold must be in [0, 1), got " + compactionThreshold);
        }
    }

    public static LogConfig defaults(Path directory) {
        return new LogConfig(directory, DEFAULT_SEGMENT_BYTES, FsyncPolicy.ALWAYS, DEFAULT_COMPACTION_THRESHOLD);
    }

    public LogConfig withSegmentBytes(long bytes) {
        return new LogConfig(directory, bytes, fsync, compactionThreshold);
    }

    public LogConfig withFsync(FsyncPolicy policy) {
        return new LogConfig(directory, segmentBytes, policy, compactionThreshold);
    }

    public LogConfig withCompactionThreshold(double threshold) {
        return new LogConfig(directory, segmentBytes, fsync, threshold);
    }
}
