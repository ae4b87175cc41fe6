package dev.junction.core.store.log;

import dev.junction.core.store.Definition;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.Recovered;
import dev.junction.core.store.RecoveredMessage;
import dev.junction.core.store.StoredMessage;
import dev.junction.core.store.log.StorageRecords.MessageHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rebuilds {@link LogStorage}'s state from the live records the log hands over at open, and tidies what a crash
 * left half done: a definition written again before its old record was released, settle records whose message is
 * gone, a message settled everywhere whose release was lost.
 */
final class StorageRecovery implements RecoveryVisitor {
    private record Settle(long recordId, long messageId, long queueId) {
    }

    private record PendingMessage(MessageHeader header, ByteBuf body) {
    }

    private final Map<Object, Long> definitionIds = new HashMap<>();
    private final Map<Long, Definition> definitions = new LinkedHashMap<>();
    private final Map<Long, PendingMessage> messages = new LinkedHashMap<>();
    private final List<Settle> settles = new ArrayList<>();
    private final List<Long> superseded = new ArrayList<>();
    private final List<Long> pages = new ArrayList<>();

    @Override
    public void visit(byte type, long id, ByteBuf body) {
        try {
            switch (type) {
                case StorageRecords.MESSAGE -> {
                    MessageHeader header = MessageHeader.read(body);
                    ByteBuf copy = ByteBufAllocator.DEFAULT.buffer(body.readableBytes()).writeBytes(body);
                    messages.put(id, new PendingMessage(header, copy));
                }
                case StorageRecords.SETTLE -> settles.add(new Settle(id, body.readLong(), body.readLong()));
                // The queue that paged the body out is gone with the process.
                case StorageRecords.PAGE -> pages.add(id);
                default -> addDefinition(type, id, body);
            }
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalStateException("storage record " + id + " of type " + type + " cannot be read: "
                    + e.getMessage(), e);
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

    /** Opening failed: the copied bodies are nobody's. */
    void discard() {
        messages.values().forEach(message -> message.body().release());
        messages.clear();
    }

    Recovered finish(SegmentedLog log) {
        superseded.forEach(log::release);
        pages.forEach(log::release);
        Map<Long, StoredMessage> stored = new HashMap<>();
        Map<Long, List<Long>> settleRecords = new HashMap<>();
        messages.forEach((id, message) -> stored.put(id, new StoredMessage(id, message.header().queueIds())));
        for (Settle settle : settles) {
            StoredMessage message = stored.get(settle.messageId());
            if (message == null) {
                log.release(settle.recordId());
            } else {
                message.recoverSettled(settle.queueId(), settle.recordId());
                settleRecords.computeIfAbsent(settle.messageId(), key -> new ArrayList<>()).add(settle.recordId());
            }
        }
        List<RecoveredMessage> recovered = new ArrayList<>(messages.size());
        messages.forEach((id, message) -> {
            StoredMessage handle = stored.get(id);
            MessageHeader header = message.header();
            if (handle.holders().length == 0) {
                // Settled everywhere, but the release did not reach the disk before the crash.
                log.release(id);
                settleRecords.getOrDefault(id, List.of()).forEach(log::release);
                message.body().release();
                return;
            }
            recovered.add(new RecoveredMessage(handle, header.exchange(), header.routingKey(), header.properties(),
                    message.body()));
        });
        Map<QueueDefinition, Long> queueIds = new HashMap<>();
        definitions.forEach((id, definition) -> {
            if (definition instanceof QueueDefinition queue) {
                queueIds.put(queue, id);
            }
        });
        return new Recovered(new ArrayList<>(definitions.values()), queueIds, recovered);
    }

    ConcurrentHashMap<Object, Long> definitionRecords() {
        return new ConcurrentHashMap<>(definitionIds);
    }
}
