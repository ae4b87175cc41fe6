package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes {@link MqttPacket}s. A PUBLISH becomes two buffers: a freshly written header, then a retained duplicate of
 * the payload, so the payload bytes are never copied and the same payload can be written to many channels. The
 * {@code Publish}'s own reference is released once it is encoded.
 */
@Sharable
public final class MqttEncoder extends MessageToMessageEncoder<MqttPacket> {
    public static final MqttEncoder INSTANCE = new MqttEncoder();

    private static final int MAX_REMAINING_LENGTH = 268_435_455;

    private MqttEncoder() {
        super(MqttPacket.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MqttPacket packet, List<Object> out) {
        if (packet instanceof Publish publish) {
            encodePublish(ctx, publish, out);
        } else if (packet instanceof Connect connect) {
            out.add(encodeConnect(ctx, connect));
        } else if (packet instanceof ConnAck connAck) {
            ByteBuf buf = header(ctx, MqttPacketType.CONNACK, 0, 2);
            buf.writeByte(connAck.sessionPresent() ? 1 : 0);
            buf.writeByte(connAck.returnCode().value());
            out.add(buf);
        } else if (packet instanceof PubAck ack) {
            out.add(packetIdOnly(ctx, MqttPacketType.PUBACK, ack.packetId()));
        } else if (packet instanceof PubRec ack) {
            out.add(packetIdOnly(ctx, MqttPacketType.PUBREC, ack.packetId()));
        } else if (packet instanceof PubRel ack) {
            out.add(packetIdOnly(ctx, MqttPacketType.PUBREL, ack.packetId()));
        } else if (packet instanceof PubComp ack) {
            out.add(packetIdOnly(ctx, MqttPacketType.PUBCOMP, ack.packetId()));
        } else if (packet instanceof UnsubAck ack) {
            out.add(packetIdOnly(ctx, MqttPacketType.UNSUBACK, ack.packetId()));
        } else if (packet instanceof Subscribe subscribe) {
            out.add(encodeSubscribe(ctx, subscribe));
        } else if (packet instanceof SubAck subAck) {
            out.add(encodeSubAck(ctx, subAck));
        } else if (packet instanceof Unsubscribe unsubscribe) {
            out.add(encodeUnsubscribe(ctx, unsubscribe));
        } else {
            out.add(header(ctx, packet.type(), 0, 0));
        }
    }

    private static void encodePublish(ChannelHandlerContext ctx, Publish publish, List<Object> out) {
        int topicLength = stringLength(publish.topic(), "PUBLISH topic name");
        int packetIdLength = publish.qos() == MqttQos.AT_MOST_ONCE ? 0 : 2;
        int variableHeaderLength = 2 + topicLength + packetIdLength;
        int flags = (publish.dup() ? 0b1000 : 0) | publish.qos().value() << 1 | (publish.retainFlag() ? 1 : 0);
        ByteBuf payload = publish.payload();
        ByteBuf buf = header(ctx, MqttPacketType.PUBLISH, flags, variableHeaderLength,
                (long) variableHeaderLength + payload.readableBytes());
        writeString(buf, publish.topic(), topicLength);
        if (packetIdLength > 0) {
            buf.writeShort(publish.packetId());
        }
        out.add(buf);
        if (payload.isReadable()) {
            // A duplicate, because writing it to the socket moves its reader index.
            out.add(payload.retainedDuplicate());
        }
    }

    private static ByteBuf encodeConnect(ChannelHandlerContext ctx, Connect connect) {
        MqttProtocolVersion version = connect.version();
        Connect.Will will = connect.will();
        int nameLength = version.protocolName().length();
        int clientIdLength = stringLength(connect.clientId(), "CONNECT client identifier");
        int willTopicLength = will == null ? 0 : stringLength(will.topic(), "CONNECT will topic");
        int usernameLength = connect.username() == null ? 0 : stringLength(connect.username(), "CONNECT user name");
        byte[] password = connect.password();
        int passwordLength = password == null ? 0 : binaryLength(password, "CONNECT password");

        long remainingLength = 2 + nameLength + 1 + 1 + 2 + 2 + clientIdLength;
        int connectFlags = connect.cleanSession() ? 0x02 : 0;
        byte[] willPayload = will == null ? null : will.payload();
        if (will != null) {
            remainingLength += 2 + willTopicLength + 2 + willPayload.length;
            connectFlags |= 0x04 | will.qos().value() << 3 | (will.retain() ? 0x20 : 0);
        }
        if (connect.username() != null) {
            remainingLength += 2 + usernameLength;
            connectFlags |= 0x80;
        }
        if (password != null) {
            remainingLength += 2 + passwordLength;
            connectFlags |= 0x40;
        }
        ByteBuf buf = header(ctx, MqttPacketType.CONNECT, 0, remainingLength, remainingLength);
        writeString(buf, version.protocolName(), nameLength);
        buf.writeByte(version.protocolLevel());
        buf.writeByte(connectFlags);
        buf.writeShort(connect.keepAliveSeconds());
        writeString(buf, connect.clientId(), clientIdLength);
        if (will != null) {
            writeString(buf, will.topic(), willTopicLength);
            buf.writeShort(willPayload.length);
            buf.writeBytes(willPayload);
        }
        if (connect.username() != null) {
            writeString(buf, connect.username(), usernameLength);
        }
        if (password != null) {
            buf.writeShort(passwordLength);
            buf.writeBytes(password);
        }
        return buf;
    }

    private static ByteBuf encodeSubscribe(ChannelHandlerContext ctx, Subscribe subscribe) {
        List<Subscribe.Subscription> subscriptions = subscribe.subscriptions();
        int[] filterLengths = new int[subscriptions.size()];
        long remainingLength = 2;
        for (int i = 0; i < filterLengths.length; i++) {
            filterLengths[i] = stringLength(subscriptions.get(i).topicFilter(), "SUBSCRIBE topic filter");
            remainingLength += 2 + filterLengths[i] + 1;
        }
        ByteBuf buf = header(ctx, MqttPacketType.SUBSCRIBE, MqttPacketType.SUBSCRIBE.requiredFlags(),
                remainingLength, remainingLength);
        buf.writeShort(subscribe.packetId());
        for (int i = 0; i < filterLengths.length; i++) {
            writeString(buf, subscriptions.get(i).topicFilter(), filterLengths[i]);
            buf.writeByte(subscriptions.get(i).requestedQos().value());
        }
        return buf;
    }

    private static ByteBuf encodeSubAck(ChannelHandlerContext ctx, SubAck subAck) {
        int remainingLength = 2 + subAck.returnCodes().size();
        ByteBuf buf = header(ctx, MqttPacketType.SUBACK, 0, remainingLength);
        buf.writeShort(subAck.packetId());
        for (SubAckReturnCode returnCode : subAck.returnCodes()) {
            buf.writeByte(returnCode.value());
        }
        return buf;
    }

    private static ByteBuf encodeUnsubscribe(ChannelHandlerContext ctx, Unsubscribe unsubscribe) {
        List<String> filters = unsubscribe.topicFilters();
        int[] filterLengths = new int[filters.size()];
        long remainingLength = 2;
        for (int i = 0; i < filterLengths.length; i++) {
            filterLengths[i] = stringLength(filters.get(i), "UNSUBSCRIBE topic filter");
            remainingLength += 2 + filterLengths[i];
        }
        ByteBuf buf = header(ctx, MqttPacketType.UNSUBSCRIBE, MqttPacketType.UNSUBSCRIBE.requiredFlags(),
                remainingLength, remainingLength);
        buf.writeShort(unsubscribe.packetId());
        for (int i = 0; i < filterLengths.length; i++) {
            writeString(buf, filters.get(i), filterLengths[i]);
        }
        return buf;
    }

    private static ByteBuf packetIdOnly(ChannelHandlerContext ctx, MqttPacketType type, int packetId) {
        ByteBuf buf = header(ctx, type, type.requiredFlags(), 2);
        buf.writeShort(packetId);
        return buf;
    }

    /** A buffer holding the fixed header of a packet whose variable header and payload are all written into it. */
    private static ByteBuf header(ChannelHandlerContext ctx, MqttPacketType type, int flags, int remainingLength) {
        return header(ctx, type, flags, remainingLength, remainingLength);
    }

    /**
     * A buffer holding the fixed header, with room for {@code bytesToFollow} more bytes.
     *
     * @param remainingLength the whole remaining length, which exceeds {@code bytesToFollow} when the payload is
     *                        sent as a separate buffer
     */
    private static ByteBuf header(ChannelHandlerContext ctx, MqttPacketType type, int flags, long bytesToFollow,
                                  long remainingLength) {
        if (remainingLength > MAX_REMAINING_LENGTH) {
            throw new EncoderException(type + " remaining length " + remainingLength + " exceeds the maximum "
                    + MAX_REMAINING_LENGTH);
        }
        int length = (int) remainingLength;
        ByteBuf buf = ctx.alloc().buffer(1 + remainingLengthBytes(length) + (int) bytesToFollow);
        buf.writeByte(type.code() << 4 | flags);
        do {
            int encoded = length & 0x7F;
            length >>>= 7;
            buf.writeByte(length > 0 ? encoded | 0x80 : encoded);
        } while (length > 0);
        return buf;
    }

    private static int remainingLengthBytes(int length) {
        if (length < 128) {
            return 1;
        } else if (length < 16_384) {
            return 2;
        } else if (length < 2_097_152) {
            return 3;
        }
        return 4;
    }

    private static int stringLength(String s, String field) {
        int length = MqttUtf8.encodedLength(s);
        if (length < 0) {
            throw new EncoderException(field + " contains U+0000 or an unpaired surrogate");
        }
        if (length > MqttUtf8.MAX_ENCODED_LENGTH) {
            throw new EncoderException(field + " is " + length + " bytes, more than 65535");
        }
        return length;
    }

    private static int binaryLength(byte[] bytes, String field) {
        if (bytes.length > MqttUtf8.MAX_ENCODED_LENGTH) {
            throw new EncoderException(field + " is " + bytes.length + " bytes, more than 65535");
        }
        return bytes.length;
    }

    private static void writeString(ByteBuf buf, String s, int encodedLength) {
        buf.writeShort(encodedLength);
        ByteBufUtil.writeUtf8(buf, s);
    }
}
