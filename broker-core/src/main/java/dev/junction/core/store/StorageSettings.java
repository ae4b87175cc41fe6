package dev.junction.core.store;

import dev.junction.core.store.log.FsyncPolicy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What an engine is opened with (the {@code storage.*} keys and {@code data.dir}). The caller holds the lock on
 * {@code directory}; engines that keep nothing ignore it.
 */
public record StorageSettings(Path directory, FsyncPolicy fsync, long segmentBytes, long queueMemoryLimit) {
    /** The default of {@code storage.queue_memory_limit}: 64 MiB of message bodies per queue. */
    public static final long DEFAULT_QUEUE_MEMORY_LIMIT = 64L << 20;

    public StorageSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        if (queueMemoryLimit < 0) {
            throw new IllegalArgumentException("queue memory limit must not be negative, got " + queueMemoryLimit);
        }
    }

    public StorageSettings(Path directory, FsyncPolicy fsync, long segmentBytes) {
        this(directory, fsync, segmentBytes, DEFAULT_QUEUE_MEMORY_LIMIT);
    }
}
