package dev.junction.core.store;

import dev.junction.core.store.log.FsyncPolicy;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What an engine is opened with (the {@code storage.*} keys and {@code data.dir}). The caller holds the lock on
 * {@code directory}; engines that keep nothing ignore it.
 */
public record StorageSettings(Path directory, FsyncPolicy fsync, long segmentBytes) {
    public StorageSettings {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
    }
}
