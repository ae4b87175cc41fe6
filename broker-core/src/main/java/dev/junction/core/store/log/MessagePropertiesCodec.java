package dev.junction.core.store.log;

import dev.junction.core.message.MessageProperties;
import io.netty.buffer.ByteBuf;

import static dev.junction.core.store.log.RecordCodec.readString;
import static dev.junction.core.store.log.RecordCodec.readTable;
import static dev.junction.core.store.log.RecordCodec.writeString;
import static dev.junction.core.store.log.RecordCodec.writeTable;

/**
 * A message's properties as the message records store them; public so that a protocol's own state records (MQTT's
 * retained messages and pending wills) keep properties in the same, one layout.
 */
public final class MessagePropertiesCodec {
    private MessagePropertiesCodec() {
    }

    public static void write(ByteBuf out, MessageProperties p) {
        writeString(out, p.contentType());
        writeString(out, p.contentEncoding());
        writeTable(out, p.headers());
        writeNullableInt(out, p.deliveryMode());
        writeNullableInt(out, p.priority());
        writeString(out, p.correlationId());
        writeString(out, p.replyTo());
        writeString(out, p.expiration());
        writeString(out, p.messageId());
        out.writeBoolean(p.timestamp() != null);
        if (p.timestamp() != null) {
            out.writeLong(p.timestamp());
        }
        writeString(out, p.type());
        writeString(out, p.userId());
        writeString(out, p.appId());
        writeString(out, p.clusterId());
    }

    /** @throws IllegalArgumentException or {@link IndexOutOfBoundsException} for bytes that are no properties */
    public static MessageProperties read(ByteBuf in) {
        return new MessageProperties(readString(in), readString(in), readTable(in), readNullableInt(in),
                readNullableInt(in), readString(in), readString(in), readString(in), readString(in),
                in.readBoolean() ? in.readLong() : null, readString(in), readString(in), readString(in),
                readString(in));
    }

    private static void writeNullableInt(ByteBuf out, Integer value) {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeInt(value);
        }
    }

    private static Integer readNullableInt(ByteBuf in) {
        return in.readBoolean() ? in.readInt() : null;
    }
}
