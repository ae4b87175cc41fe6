package dev.junction.core.store.log;

import dev.junction.core.metrics.LatencyHistogram;

import dev.junction.core.message.Message;
import dev.junction.core.store.Definition;
import dev.junction.core.store.DefinitionStore;
import dev.junction.core.store.MessagePages;
import dev.junction.core.store.MessageStore;
import dev.junction.core.store.Recovered;
import dev.junction.core.store.Storage;
import dev.junction.core.store.StorageSettings;
import dev.junction.core.store.StoreListener;
import dev.junction.core.store.StoredMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code log} engine: definitions, messages and settles as records of a {@link SegmentedLog}. A definition is
 * one live record until it is replaced or removed; a message is one record naming all its durable queues; a queue
 * settling a message that other queues still hold writes a small settle record, and the last settle releases the
 * message record together with those settle records.
 *
 * <p>Definitions and messages are {@link Durability#REQUIRED}: acknowledgements wait for them. Settles and page
 * records are {@link Durability#DEFERRED}: a settle lost to a power cut only brings its message back (delivered
 * again, which every acknowledgement mode allows), and page records are dropped at recovery anyway.
 */
public final class LogStorage
        implements Storage, DefinitionStore, MessageStore, MessagePages, StoredMessage.SettleWriter {
    private static final Logger LOG = LoggerFactory.getLogger(LogStorage.class);
    private static final WriteListener WARN_ON_FAILURE = (recordId, failure) -> {
        if (failure != null) {
            LOG.warn("Storage record {} was not written", recordId, failure);
        }
    };

    private static final long[] NO_QUEUES = {};

    private final SegmentedLog log;
    private final long queueMemoryLimit;
    /** Definition identity to the id of the record that holds it. */
    private final ConcurrentHashMap<Object, Long> definitionRecords;
    private final Quarantine quarantine;
    private Recovered recovered;

    private LogStorage(SegmentedLog log, long queueMemoryLimit, ConcurrentHashMap<Object, Long> definitionRecords,
                       Quarantine quarantine, Recovered recovered) {
        this.log = log;
        this.quarantine = quarantine;
        this.queueMemoryLimit = queueMemoryLimit;
        this.definitionRecords = definitionRecords;
        this.recovered = recovered;
    }

    public static LogStorage open(StorageSettings settings) throws IOException {
        LogConfig config = LogConfig.defaults(settings.directory()).withFsync(settings.fsync())
                .withSegmentBytes(settings.segmentBytes());
        StorageRecovery recovery = new StorageRecovery();
        SegmentedLog log = SegmentedLog.open(config, recovery);
        if (!log.recoveryReport().clean()) {
            LOG.warn("Storage in {} recovered with damage: {}", settings.directory(), log.recoveryReport().damage());
        }
        Recovered recovered = recovery.finish(log);
        Quarantine quarantine = new Quarantine(settings.directory());
        recovery.unreadable().forEach(record -> setAside(log, quarantine, record));
        LOG.info("Storage in {} recovered {} definitions and {} messages from {} segments", settings.directory(),
                recovered.definitions().size(), recovered.messages().size(), log.recoveryReport().segments());
        return new LogStorage(log, settings.queueMemoryLimit(), recovery.definitionRecords(), quarantine,
                recovered);
    }

    /** Keeps an unreadable definition record for the operator and lets the log forget it. */
    private static void setAside(SegmentedLog log, Quarantine quarantine, StorageRecovery.Unreadable record) {
        try {
            Path kept = quarantine.keep(record.recordId(), record.type(), record.body(), record.reason());
            log.release(record.recordId(), WARN_ON_FAILURE);
            LOG.error("Skipped stored definition record {} (type {}): it cannot be read ({}); kept in {}",
                    record.recordId(), record.type(), record.reason(), kept);
        } catch (IOException e) {
            LOG.error("Skipped stored definition record {} (type {}): it cannot be read ({}); it stays in the log, "
                    + "as it could not be copied out", record.recordId(), record.type(), record.reason(), e);
        }
    }

    /**
     * Copies the definition's record to the data directory's {@code quarantine/} and forgets the definition; the
     * copy is kept in the log instead if it cannot be written.
     */
    @Override
    public String quarantine(Definition definition, String reason) {
        Long id = definitionRecords.get(definition.identity());
        if (id == null) {
            return "nowhere: it was not stored";
        }
        ByteBuf encoded = StorageRecords.encode(definition);
        try {
            Path kept = quarantine.keep(id, StorageRecords.typeOf(definition), ByteBufUtil.getBytes(encoded), reason);
            remove(definition);
            return kept.toString();
        } catch (IOException e) {
            LOG.error("Could not copy stored definition record {} out of the log; it stays there", id, e);
            return "the log (record " + id + ")";
        } finally {
            encoded.release();
        }
    }

    /** The log's write counters, for the metrics endpoint. */
    public LogMetrics metrics() {
        return log.metrics();
    }

    public LatencyHistogram fsyncLatency() {
        return log.fsyncLatency();
    }

    @Override
    public DefinitionStore definitions() {
        return this;
    }

    @Override
    public MessageStore messages() {
        return this;
    }

    @Override
    public MessagePages pages() {
        return this;
    }

    @Override
    public synchronized Recovered takeRecovered() {
        Recovered taken = recovered;
        recovered = Recovered.NOTHING;
        return taken;
    }

    @Override
    public long put(Definition definition, StoreListener listener) {
        long id = log.append(StorageRecords.typeOf(definition), StorageRecords.encode(definition),
                warnAndTell(listener));
        Long replaced = definitionRecords.put(definition.identity(), id);
        if (replaced != null) {
            // Required like the put itself: a power cut must not bring the old definition back beside the new one.
            log.release(replaced, WARN_ON_FAILURE);
        }
        return id;
    }

    @Override
    public void remove(Definition definition, StoreListener listener) {
        Long id = definitionRecords.remove(definition.identity());
        if (id == null) {
            listener.stored(null);
        } else {
            log.release(id, warnAndTell(listener));
        }
    }

    private static WriteListener warnAndTell(StoreListener listener) {
        return listener == StoreListener.NONE ? WARN_ON_FAILURE : (recordId, failure) -> {
            WARN_ON_FAILURE.onComplete(recordId, failure);
            listener.stored(failure);
        };
    }

    @Override
    public StoredMessage write(Message message, long[] queueIds, StoreListener listener) {
        long id;
        try {
            id = log.append(StorageRecords.MESSAGE, StorageRecords.encode(message, queueIds),
                    (recordId, failure) -> listener.stored(failure));
        } catch (IllegalArgumentException tooLarge) {
            listener.stored(tooLarge);
            return null;
        }
        return new StoredMessage(id, queueIds);
    }

    @Override
    public void settle(StoredMessage message, long queueId) {
        message.settle(queueId, this);
    }

    @Override
    public long writeSettle(long messageRecordId, long queueId) {
        return log.append(StorageRecords.SETTLE, StorageRecords.encodeSettle(messageRecordId, queueId),
                Durability.DEFERRED, WARN_ON_FAILURE);
    }

    @Override
    public void releaseAll(long messageRecordId, long[] settleRecords) {
        // In this order a crash can leave settle records without their message (dropped at recovery), never a
        // message without the settle records that say where it is done with.
        log.release(messageRecordId);
        for (long settleRecord : settleRecords) {
            log.release(settleRecord);
        }
    }

    @Override
    public long queueMemoryLimit() {
        return queueMemoryLimit;
    }

    @Override
    public long write(Message message, StoreListener listener) {
        try {
            return log.append(StorageRecords.PAGE, StorageRecords.encode(message, NO_QUEUES), Durability.DEFERRED,
                    (recordId, failure) -> listener.stored(failure));
        } catch (IllegalArgumentException tooLarge) {
            return -1;
        }
    }

    /** Page and message records share a layout; either is decoded on the writer thread. */
    @Override
    public void read(long[] recordIds, Reader reader) {
        log.read(recordIds, (records, types) -> {
            Message[] messages = new Message[records.length];
            for (int i = 0; i < records.length; i++) {
                if (records[i] != null) {
                    messages[i] = decode(recordIds[i], records[i], types[i]);
                }
            }
            reader.read(messages);
        });
    }

    private static Message decode(long recordId, ByteBuf record, byte type) {
        if (!StorageRecords.isMessage(type)) {
            LOG.error("Record {} is not a message (type {})", recordId, type);
            record.release();
            return null;
        }
        try {
            return StorageRecords.decodeMessage(type, record);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            LOG.error("Record {} cannot be read back as a message", recordId, e);
            return null;
        }
    }

    @Override
    public void release(long pageRecordId) {
        log.release(pageRecordId);
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
