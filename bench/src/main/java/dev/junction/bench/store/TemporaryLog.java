package dev.junction.bench.store;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.StorageSettings;
import dev.junction.core.store.log.FsyncPolicy;
import dev.junction.core.store.log.LogConfig;
import dev.junction.core.store.log.LogStorage;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A log store in a fresh temporary directory (on {@code java.io.tmpdir}'s disk) with the shipped segment size and
 * one durable queue, as the broker opens it; deleted with everything in it when closed.
 */
final class TemporaryLog implements AutoCloseable {
    static final String EXCHANGE = "amq.topic";
    static final String ROUTING_KEY = "site.17.device.420.temperature";
    static final MessageProperties PERSISTENT = MessageProperties.EMPTY.withDeliveryMode(MessageProperties.PERSISTENT);

    private final Path directory;
    private final StorageSettings settings;
    private LogStorage storage;
    /** The queue's id, as a vhost names the durable queues a message is written for. */
    final long[] queue;

    TemporaryLog(FsyncPolicy fsync) throws IOException {
        directory = Files.createTempDirectory("junction-log-bench");
        settings = new StorageSettings(directory, fsync, LogConfig.DEFAULT_SEGMENT_BYTES);
        storage = LogStorage.open(settings);
        queue = new long[] {storage.definitions().put(new QueueDefinition("/", "bench", false, Map.of()))};
    }

    static FsyncPolicy fsync(String name) {
        return switch (name) {
            case "always" -> FsyncPolicy.ALWAYS;
            case "never" -> FsyncPolicy.NEVER;
            default -> throw new IllegalArgumentException("fsync must be always or never, got " + name);
        };
    }

    /** A persistent message as a publisher's codec hands it to the vhost: it owns one reference to the body. */
    static Message message(ByteBuf body) {
        return new Message(EXCHANGE, ROUTING_KEY, PERSISTENT, body.retainedDuplicate());
    }

    /** The open store. */
    LogStorage storage() {
        if (storage == null) {
            throw new IllegalStateException("the store is closed");
        }
        return storage;
    }

    /** Closes the store, leaving its files for {@link #open()}. */
    void closeStorage() throws IOException {
        if (storage != null) {
            storage.close();
            storage = null;
        }
    }

    /** Opens the closed store again on the same files, recovering them: the broker's start after a clean stop. */
    LogStorage open() throws IOException {
        if (storage != null) {
            throw new IllegalStateException("the store is open");
        }
        storage = LogStorage.open(settings);
        return storage;
    }

    @Override
    public void close() throws IOException {
        closeStorage();
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(TemporaryLog::delete);
        }
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
