package dev.junction.core.store.log;

import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.Definition;
import dev.junction.core.store.Definition.BindingDefinition;
import dev.junction.core.store.Definition.ExchangeDefinition;
import dev.junction.core.store.Definition.PermissionDefinition;
import dev.junction.core.store.Definition.PolicyDefinition;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.Definition.QueueLimitsDefinition;
import dev.junction.core.store.Definition.StateRecord;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.core.store.Definition.VirtualHostDefinition;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

import java.util.HashSet;
import java.util.Set;

import static dev.junction.core.store.log.RecordCodec.readString;
import static dev.junction.core.store.log.RecordCodec.readTable;
import static dev.junction.core.store.log.RecordCodec.writeString;
import static dev.junction.core.store.log.RecordCodec.writeTable;

/** The record types {@link LogStorage} writes to the log, and their layouts (see {@code docs/durability.md}). */
final class StorageRecords {
    static final byte VHOST = 1;
    static final byte EXCHANGE = 2;
    static final byte QUEUE = 3;
    static final byte BINDING = 4;
    static final byte STATE = 5;
    static final byte USER = 6;
    static final byte PERMISSION = 7;
    static final byte QUEUE_LIMITS = 8;
    static final byte POLICY = 9;
    /** A message record of an earlier version, without the publish time: read, never written. */
    static final byte UNTIMED_MESSAGE = 16;
    static final byte SETTLE = 17;
    /** A message a queue paged out of the heap: a message record naming no queue; dropped at recovery. */
    static final byte PAGE = 18;
    static final byte MESSAGE = 19;

    private StorageRecords() {
    }

    static byte typeOf(Definition definition) {
        if (definition instanceof VirtualHostDefinition) {
            return VHOST;
        }
        if (definition instanceof ExchangeDefinition) {
            return EXCHANGE;
        }
        if (definition instanceof QueueDefinition) {
            return QUEUE;
        }
        if (definition instanceof BindingDefinition) {
            return BINDING;
        }
        if (definition instanceof StateRecord) {
            return STATE;
        }
        if (definition instanceof QueueLimitsDefinition) {
            return QUEUE_LIMITS;
        }
        if (definition instanceof PolicyDefinition) {
            return POLICY;
        }
        return definition instanceof UserDefinition ? USER : PERMISSION;
    }

    static ByteBuf encode(Definition definition) {
        ByteBuf out = ByteBufAllocator.DEFAULT.buffer();
        if (definition instanceof VirtualHostDefinition vhost) {
            writeString(out, vhost.name());
        } else if (definition instanceof ExchangeDefinition exchange) {
            writeString(out, exchange.vhost());
            writeString(out, exchange.name());
            writeString(out, exchange.type().wireName());
            out.writeBoolean(exchange.autoDelete()).writeBoolean(exchange.internal());
            writeTable(out, exchange.arguments());
        } else if (definition instanceof QueueDefinition queue) {
            writeString(out, queue.vhost());
            writeString(out, queue.name());
            out.writeBoolean(queue.autoDelete());
            writeTable(out, queue.arguments());
        } else if (definition instanceof BindingDefinition binding) {
            writeString(out, binding.vhost());
            writeString(out, binding.source());
            writeString(out, binding.destination());
            out.writeBoolean(binding.toExchange());
            writeString(out, binding.routingKey());
            writeTable(out, binding.arguments());
        } else if (definition instanceof StateRecord state) {
            writeString(out, state.namespace());
            writeString(out, state.key());
            out.writeInt(state.value().length).writeBytes(state.value());
        } else if (definition instanceof QueueLimitsDefinition limits) {
            writeString(out, limits.vhost());
            writeString(out, limits.queue());
            out.writeLong(limits.queueId());
            writeTable(out, limits.overrides());
        } else if (definition instanceof PolicyDefinition policy) {
            writeString(out, policy.vhost());
            writeString(out, policy.name());
            writeString(out, policy.pattern());
            writeString(out, policy.applyTo());
            out.writeInt(policy.priority());
            writeTable(out, policy.definition());
        } else if (definition instanceof UserDefinition user) {
            writeString(out, user.name());
            writeString(out, user.passwordHash());
            out.writeInt(user.tags().size());
            user.tags().forEach(tag -> writeString(out, tag));
        } else if (definition instanceof PermissionDefinition permission) {
            writeString(out, permission.vhost());
            writeString(out, permission.user());
            writeString(out, permission.configure());
            writeString(out, permission.write());
            writeString(out, permission.read());
        }
        return out;
    }

    /** Returns null for a type that is not a definition. */
    static Definition decodeDefinition(byte type, ByteBuf in) {
        return switch (type) {
            case VHOST -> new VirtualHostDefinition(readString(in));
            case EXCHANGE -> new ExchangeDefinition(readString(in), readString(in), exchangeType(readString(in)),
                    in.readBoolean(), in.readBoolean(), readTable(in));
            case QUEUE -> new QueueDefinition(readString(in), readString(in), in.readBoolean(), readTable(in));
            case BINDING -> new BindingDefinition(readString(in), readString(in), readString(in), in.readBoolean(),
                    readString(in), readTable(in));
            case QUEUE_LIMITS -> new QueueLimitsDefinition(readString(in), readString(in), in.readLong(),
                    readTable(in));
            case POLICY -> new PolicyDefinition(readString(in), readString(in), readString(in), readString(in),
                    in.readInt(), readTable(in));
            case STATE -> new StateRecord(readString(in), readString(in), readBytes(in));
            case USER -> new UserDefinition(readString(in), readString(in), readTags(in));
            case PERMISSION -> new PermissionDefinition(readString(in), readString(in), readString(in),
                    readString(in), readString(in));
            default -> null;
        };
    }

    private static Set<String> readTags(ByteBuf in) {
        int count = in.readInt();
        if (count < 0 || count > in.readableBytes()) {
            throw new IllegalArgumentException(count + " tags in a record of " + in.readableBytes() + " bytes");
        }
        Set<String> tags = new HashSet<>(count);
        for (int i = 0; i < count; i++) {
            tags.add(readString(in));
        }
        return tags;
    }

    private static byte[] readBytes(ByteBuf in) {
        int length = in.readInt();
        if (length < 0 || length > in.readableBytes()) {
            throw new IllegalArgumentException("value of " + length + " bytes in a record of " + in.readableBytes());
        }
        byte[] value = new byte[length];
        in.readBytes(value);
        return value;
    }

    private static ExchangeType exchangeType(String wireName) {
        ExchangeType type = ExchangeType.fromWireName(wireName);
        if (type == null) {
            throw new IllegalArgumentException("unknown exchange type '" + wireName + "'");
        }
        return type;
    }

    /** Whether records of this type are messages, which {@link #decodeMessage} reads. */
    static boolean isMessage(byte type) {
        return type == MESSAGE || type == PAGE || type == UNTIMED_MESSAGE;
    }

    /**
     * The message record: its publish time (epoch millis), queues, routing, properties, then the body, which is
     * shared and not copied. A page record has the same layout with no queues.
     */
    static ByteBuf encode(Message message, long[] queueIds) {
        ByteBuf header = ByteBufAllocator.DEFAULT.buffer(72 + 8 * queueIds.length);
        header.writeLong(message.publishedAtMillis());
        header.writeInt(queueIds.length);
        for (long queueId : queueIds) {
            header.writeLong(queueId);
        }
        writeString(header, message.exchange());
        writeString(header, message.routingKey());
        MessagePropertiesCodec.write(header, message.properties());
        CompositeByteBuf record = ByteBufAllocator.DEFAULT.compositeBuffer(2);
        return record.addComponents(true, header, message.body().retainedDuplicate());
    }

    /**
     * The header of a message record, up to its body (left as the readable rest of {@code in}). A record of the
     * earlier layout has no publish time: it counts as published now, when it is read back.
     */
    record MessageHeader(long publishedAtMillis, long[] queueIds, String exchange, String routingKey,
                         MessageProperties properties) {
        static MessageHeader read(byte type, ByteBuf in) {
            long publishedAtMillis = type == UNTIMED_MESSAGE ? System.currentTimeMillis() : in.readLong();
            int count = in.readInt();
            if (count < 0 || count > in.readableBytes() / Long.BYTES) {
                throw new IllegalArgumentException("message record names " + count + " queues");
            }
            long[] queueIds = new long[count];
            for (int i = 0; i < count; i++) {
                queueIds[i] = in.readLong();
            }
            return new MessageHeader(publishedAtMillis, queueIds, readString(in), readString(in),
                    MessagePropertiesCodec.read(in));
        }
    }

    /**
     * The message of a message or page record, its body a slice of {@code record}, whose reference it takes over.
     *
     * @throws IllegalArgumentException or {@link IndexOutOfBoundsException} for a record that is not one
     */
    static Message decodeMessage(byte type, ByteBuf record) {
        try {
            MessageHeader header = MessageHeader.read(type, record);
            return Message.publishedAt(header.exchange(), header.routingKey(), header.properties(),
                    record.retainedSlice(), header.publishedAtMillis());
        } finally {
            record.release();
        }
    }

    static ByteBuf encodeSettle(long messageRecordId, long queueId) {
        return ByteBufAllocator.DEFAULT.buffer(16).writeLong(messageRecordId).writeLong(queueId);
    }
}
