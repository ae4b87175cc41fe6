package dev.junction.server.alarm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Free space on the filesystem holding the data directory ({@code storage.disk_free_limit}): the disk then never
 * fills under a stream of publishes, and a full disk stays an exception the log survives rather than the normal
 * way to stop.
 */
public final class DiskSpaceCheck implements ResourceAlarms.Check {
    private final FileStore store;
    private final Path directory;
    private final long limit;

    public DiskSpaceCheck(Path directory, long limit) throws IOException {
        this.store = Files.getFileStore(directory);
        this.directory = directory;
        this.limit = limit;
    }

    @Override
    public String breach() {
        long free;
        try {
            free = store.getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + directory, e);
        }
        return free < limit ? "low on disk: " + free + " bytes free in " + directory
                + ", below storage.disk_free_limit " + limit : null;
    }
}
