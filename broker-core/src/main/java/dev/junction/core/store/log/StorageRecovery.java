package dev.junction.core.store.log;

import dev.junction.core.BrokerException;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.Definition;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.Recovered;
import dev.junction.core.store.RecoveredMessages;
import dev.junction.core.store.StoredMessage;
import dev.junction.core.store.log.StorageRecords.MessageHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rebuilds {@link LogStorage}'s state from the live records the log hands over at open, and tidies what a crash
 * left half done: a definition written again before its old record was released, settle records whose message is
 * gone, a message settled everywhere whose release was lost. Message bodies are not kept: a queue reads them back
 * when it needs them, so the memory recovery takes grows with the number of messages, not their bytes.
 */
final class StorageRecovery implements RecoveryVisitor {
    private record Settle(long recordId, long messageId, long queueId) {
    }

    /** A definition record that cannot be read: skipped, so that the rest of the topology comes back. */
    record Unreadable(long recordId, byte type, byte[] body, String reason) {
    }

    private final Map<Object, Long> definitionIds = new HashMap<>();
    private final Map<Long, Definition> definitions = new LinkedHashMap<>();
    private final RecoveredMessages messages = new RecoveredMessages();
    private final List<Settle> settles = new ArrayList<>();
    private final List<Long> superseded = new ArrayList<>();
    private final List<Long> pages = new ArrayList<>();
    private final List<Unreadable> unreadable = new ArrayList<>();

    @Override
    public void visit(byte type, long id, ByteBuf body) {
        try {
            switch (type) {
                case StorageRecords.MESSAGE, StorageRecords.UNTIMED_MESSAGE -> addMessage(type, id, body);
                case StorageRecords.SETTLE -> settles.add(new Settle(id, body.readLong(), body.readLong()));
                // The queue that paged the body out is gone with the process.
                case StorageRecords.PAGE -> pages.add(id);
                default -> addDefinitionOrSetAside(type, id, body);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalStateException("storage record " + id + " of type " + type + " cannot be read: "
                    + e.getMessage(), e);
        }
    }

    private void addMessage(byte type, long id, ByteBuf record) {
        MessageHeader header = MessageHeader.read(type, record);
        if (header.queueIds().length == 0) {
            throw new IllegalArgumentException("message record names no queue");
        }
        MessageProperties properties = header.properties();
        messages.add(id, record.readableBytes(), properties.priority() == null ? -1 : properties.priority(),
                expirationMillis(properties), header.publishedAtMillis(), header.queueIds());
    }

    /** Publishers refuse a bad expiration; one stored anyway just does not expire, as in the queue. */
    private static long expirationMillis(MessageProperties properties) {
        try {
            Long millis = properties.expirationMillis();
            return millis == null ? -1 : millis;
        } catch (BrokerException e) {
            return -1;
        }
    }

    private void addDefinitionOrSetAside(byte type, long id, ByteBuf body) {
        int start = body.readerIndex();
        try {
            addDefinition(type, id, body);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            byte[] bytes = ByteBufUtil.getBytes(body, start, body.writerIndex() - start);
            unreadable.add(new Unreadable(id, type, bytes, String.valueOf(e.getMessage())));
        }
    }

    private void addDefinition(byte type, long id, ByteBuf body) {
        Definition definition = StorageRecords.decodeDefinition(type, body);
        if (definition == null) {
            throw new IllegalArgumentException("unknown record type");
        }
        Long earlier = definitionIds.put(definition.identity(), id);
        if (earlier != null) {
            definitions.remove(earlier);
            superseded.add(earlier);
        }
        definitions.put(id, definition);
    }

    Recovered finish(SegmentedLog log) {
        superseded.forEach(log::release);
        pages.forEach(log::release);
        // Only a message written for several queues gets settle records, so only those have a shared handle.
        Map<Long, List<Long>> settleRecords = new HashMap<>();
        for (Settle settle : settles) {
            StoredMessage message = messages.sharedHandleOfRecord(settle.messageId());
            if (message == null) {
                log.release(settle.recordId());
            } else {
                message.recoverSettled(settle.queueId(), settle.recordId());
                settleRecords.computeIfAbsent(settle.messageId(), key -> new ArrayList<>()).add(settle.recordId());
            }
        }
        settleRecords.forEach((id, records) -> {
            if (messages.sharedHandleOfRecord(id).holders().length == 0) {
                // Settled everywhere, but the release did not reach the disk before the crash.
                log.release(id);
                records.forEach(log::release);
            }
        });
        messages.removeSettled();
        Map<QueueDefinition, Long> queueIds = new HashMap<>();
        definitions.forEach((id, definition) -> {
            if (definition instanceof QueueDefinition queue) {
                queueIds.put(queue, id);
            }
        });
        return new Recovered(new ArrayList<>(definitions.values()), queueIds, messages);
    }

    /** The definition records that could not be read, in log order. */
    List<Unreadable> unreadable() {
        return unreadable;
    }

    ConcurrentHashMap<Object, Long> definitionRecords() {
        return new ConcurrentHashMap<>(definitionIds);
    }
}
