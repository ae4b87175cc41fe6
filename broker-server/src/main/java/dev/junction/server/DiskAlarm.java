package dev.junction.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the free space of the filesystem holding the data directory ({@code storage.disk_free_limit}). Below the
 * limit it raises the alarm, which holds publishers back, until space returns: the disk then never fills under a
 * stream of publishes, and a full disk stays an exception the log survives rather than the normal way to stop.
 */
final class DiskAlarm implements AutoCloseable {
    /** What the alarm holds back; each protocol does it its own way. */
    interface Publishers {
        void block(String reason);

        void unblock();
    }

    private static final Logger log = LoggerFactory.getLogger(DiskAlarm.class);

    private final FileStore store;
    private final Path directory;
    private final long limit;
    private final Publishers publishers;
    private final ScheduledExecutorService timer;
    private boolean raised;

    private DiskAlarm(FileStore store, Path directory, long limit, Publishers publishers, Duration period) {
        this.store = store;
        this.directory = directory;
        this.limit = limit;
        this.publishers = publishers;
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "junction-disk-alarm");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::check, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts checking every {@code period}; the first check runs at once. */
    static DiskAlarm start(Path directory, long limit, Publishers publishers, Duration period) throws IOException {
        return new DiskAlarm(Files.getFileStore(directory), directory, limit, publishers, period);
    }

    private void check() {
        long free;
        try {
            free = store.getUsableSpace();
        } catch (IOException | RuntimeException e) {
            log.warn("Cannot read the free space of {}; the disk alarm keeps its state", directory, e);
            return;
        }
        if (!raised && free < limit) {
            raised = true;
            String reason = "low on disk: " + free + " bytes free in " + directory + ", below storage.disk_free_limit "
                    + limit;
            log.warn("Disk alarm: {}; publishers are held back until space returns", reason);
            publishers.block(reason);
        } else if (raised && free >= limit) {
            raised = false;
            log.info("Disk alarm cleared: {} bytes free in {}; publishers resume", free, directory);
            publishers.unblock();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
