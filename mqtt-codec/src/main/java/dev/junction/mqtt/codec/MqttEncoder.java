package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes {@link MqttPacket}s for the connection's protocol version ({@link MqttChannelVersion}; a CONNECT is
 * encoded for its own version). A PUBLISH becomes two buffers: a freshly written header, then a retained duplicate
 * of the payload, so the payload bytes are never copied and the same payload can be written to many channels. The
 * {@code Publish}'s own reference is released once it is encoded.
 *
 * <p>For MQTT 3.1 and 3.1.1 the encoder sends what those versions can carry: properties, subscription options and
 * UNSUBACK reason codes are left out, a SUBACK failure code becomes 0x80, a PUBACK..PUBCOMP reason code is dropped.
 * A CONNACK reason code without a 3.1.1 return code, and AUTH, cannot be encoded for 3.1.1. For MQTT 5 the short
 * forms are used where the standard allows them (no reason code for success without properties).
 */
@Sharable
public final class MqttEncoder extends MessageToMessageEncoder<MqttPacket> {
    public static final MqttEncoder INSTANCE = new MqttEncoder();

    private static final int MAX_REMAINING_LENGTH = MqttProperty.MAX_VARIABLE_BYTE_INTEGER;

    private MqttEncoder() {
        super(MqttPacket.class);
    }

    /**
     * The number of bytes {@code packet} takes on the wire for {@code version}, fixed header included, computed
     * without encoding it: what a server compares with a client's Maximum Packet Size before sending.
     *
     * @throws EncoderException if the packet cannot be encoded for {@code version}
     */
    public static long encodedSize(MqttPacket packet, MqttProtocolVersion version) {
        long remainingLength = remainingLength(packet, version);
        return 1 + (remainingLength > MAX_REMAINING_LENGTH ? 5 : VariableByteInteger.size((int) remainingLength))
                + remainingLength;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, MqttPacket packet, List<Object> out) {
        MqttProtocolVersion version = packet instanceof Connect connect
                ? connect.version() : MqttChannelVersion.of(ctx.channel());
        boolean v5 = version.isMqtt5();
        long remainingLength = remainingLength(packet, version);
        if (packet instanceof Publish publish) {
            encodePublish(ctx, publish, v5, remainingLength, out);
            return;
        }
        ByteBuf buf = header(ctx, packet.type(), packet.type().requiredFlags(), remainingLength, remainingLength);
        if (packet instanceof Connect connect) {
            writeConnect(buf, connect);
        } else if (packet instanceof ConnAck connAck) {
            buf.writeByte(connAck.sessionPresent() ? 1 : 0);
            buf.writeByte(v5 ? connAck.reasonCode().value() : connAck.returnCode().value());
            writeProperties(buf, v5, connAck.properties());
        } else if (packet instanceof PubAck ack) {
            writeAcknowledgement(buf, v5, ack.packetId(), ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubRec ack) {
            writeAcknowledgement(buf, v5, ack.packetId(), ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubRel ack) {
            writeAcknowledgement(buf, v5, ack.packetId(), ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubComp ack) {
            writeAcknowledgement(buf, v5, ack.packetId(), ack.reasonCode(), ack.properties());
        } else if (packet instanceof Subscribe subscribe) {
            buf.writeShort(subscribe.packetId());
            writeProperties(buf, v5, subscribe.properties());
            for (Subscribe.Subscription subscription : subscribe.subscriptions()) {
                writeString(buf, subscription.topicFilter());
                buf.writeByte(v5 ? subscription.options() : subscription.requestedQos().value());
            }
        } else if (packet instanceof SubAck subAck) {
            buf.writeShort(subAck.packetId());
            writeProperties(buf, v5, subAck.properties());
            for (ReasonCode code : subAck.reasonCodes()) {
                buf.writeByte(v5 ? code.value() : SubAckReturnCode.of(code).value());
            }
        } else if (packet instanceof Unsubscribe unsubscribe) {
            buf.writeShort(unsubscribe.packetId());
            writeProperties(buf, v5, unsubscribe.properties());
            unsubscribe.topicFilters().forEach(filter -> writeString(buf, filter));
        } else if (packet instanceof UnsubAck ack) {
            buf.writeShort(ack.packetId());
            if (v5) {
                ack.properties().writeTo(buf);
                ack.reasonCodes().forEach(code -> buf.writeByte(code.value()));
            }
        } else if (packet instanceof Disconnect disconnect) {
            writeShortForm(buf, v5, disconnect.reasonCode(), disconnect.properties());
        } else if (packet instanceof Auth auth) {
            writeShortForm(buf, v5, auth.reasonCode(), auth.properties());
        }
        out.add(buf);
    }

    /** The remaining length of {@code packet} for {@code version}; also checks that it can be encoded at all. */
    private static long remainingLength(MqttPacket packet, MqttProtocolVersion version) {
        boolean v5 = version.isMqtt5();
        if (packet instanceof Publish publish) {
            return 2 + stringLength(publish.topic(), "PUBLISH topic name")
                    + (publish.qos() == MqttQos.AT_MOST_ONCE ? 0 : 2)
                    + propertiesLength(v5, publish.properties()) + publish.payload().readableBytes();
        } else if (packet instanceof Connect connect) {
            return connectLength(connect);
        } else if (packet instanceof ConnAck connAck) {
            if (!v5 && connAck.returnCode() == null) {
                throw new EncoderException("CONNACK reason code " + connAck.reasonCode() + " has no " + version
                        + " return code");
            }
            return 2 + propertiesLength(v5, connAck.properties());
        } else if (packet instanceof PubAck ack) {
            return acknowledgementLength(v5, ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubRec ack) {
            return acknowledgementLength(v5, ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubRel ack) {
            return acknowledgementLength(v5, ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubComp ack) {
            return acknowledgementLength(v5, ack.reasonCode(), ack.properties());
        } else if (packet instanceof Subscribe subscribe) {
            long length = 2 + propertiesLength(v5, subscribe.properties());
            for (Subscribe.Subscription subscription : subscribe.subscriptions()) {
                length += 2 + stringLength(subscription.topicFilter(), "SUBSCRIBE topic filter") + 1;
            }
            return length;
        } else if (packet instanceof SubAck subAck) {
            return 2 + propertiesLength(v5, subAck.properties()) + subAck.reasonCodes().size();
        } else if (packet instanceof Unsubscribe unsubscribe) {
            long length = 2 + propertiesLength(v5, unsubscribe.properties());
            for (String filter : unsubscribe.topicFilters()) {
                length += 2 + stringLength(filter, "UNSUBSCRIBE topic filter");
            }
            return length;
        } else if (packet instanceof UnsubAck ack) {
            if (v5 && ack.reasonCodes().isEmpty()) {
                throw new EncoderException("an MQTT 5 UNSUBACK needs one reason code per topic filter");
            }
            return v5 ? 2 + ack.properties().encodedLengthWithPrefix() + ack.reasonCodes().size() : 2;
        } else if (packet instanceof Disconnect disconnect) {
            return shortFormLength(v5, disconnect.reasonCode(), disconnect.properties());
        } else if (packet instanceof Auth auth) {
            if (!v5) {
                throw new EncoderException("AUTH does not exist in " + version);
            }
            return shortFormLength(true, auth.reasonCode(), auth.properties());
        }
        return 0;
    }

    private static long connectLength(Connect connect) {
        boolean v5 = connect.version().isMqtt5();
        Connect.Will will = connect.will();
        long length = 2 + connect.version().protocolName().length() + 1 + 1 + 2
                + propertiesLength(v5, connect.properties())
                + 2 + stringLength(connect.clientId(), "CONNECT client identifier");
        if (will != null) {
            length += propertiesLength(v5, will.properties()) + 2 + stringLength(will.topic(), "CONNECT will topic")
                    + 2 + will.payload().length;
        }
        if (connect.username() != null) {
            length += 2 + stringLength(connect.username(), "CONNECT user name");
        }
        byte[] password = connect.password();
        if (password != null) {
            if (password.length > MqttUtf8.MAX_ENCODED_LENGTH) {
                throw new EncoderException("CONNECT password is " + password.length + " bytes, more than 65535");
            }
            length += 2 + password.length;
        }
        return length;
    }

    private static long propertiesLength(boolean v5, MqttProperties properties) {
        return v5 ? properties.encodedLengthWithPrefix() : 0;
    }

    /** PUBACK, PUBREC, PUBREL, PUBCOMP: MQTT 5 drops success without properties, then an empty property list. */
    private static long acknowledgementLength(boolean v5, ReasonCode code, MqttProperties properties) {
        if (!v5 || (code == ReasonCode.SUCCESS && properties.isEmpty())) {
            return 2;
        }
        return properties.isEmpty() ? 3 : 3 + properties.encodedLengthWithPrefix();
    }

    /** DISCONNECT and AUTH: as the acknowledgements, without a packet identifier. */
    private static long shortFormLength(boolean v5, ReasonCode code, MqttProperties properties) {
        return acknowledgementLength(v5, code, properties) - 2;
    }

    private static void encodePublish(ChannelHandlerContext ctx, Publish publish, boolean v5, long remainingLength,
                                      List<Object> out) {
        ByteBuf payload = publish.payload();
        long headerBytes = remainingLength - payload.readableBytes();
        int flags = (publish.dup() ? 0b1000 : 0) | publish.qos().value() << 1 | (publish.retainFlag() ? 1 : 0);
        ByteBuf buf = header(ctx, MqttPacketType.PUBLISH, flags, headerBytes, remainingLength);
        writeString(buf, publish.topic());
        if (publish.qos() != MqttQos.AT_MOST_ONCE) {
            buf.writeShort(publish.packetId());
        }
        writeProperties(buf, v5, publish.properties());
        out.add(buf);
        if (payload.isReadable()) {
            // A duplicate, because writing it to the socket moves its reader index.
            out.add(payload.retainedDuplicate());
        }
    }

    private static void writeConnect(ByteBuf buf, Connect connect) {
        MqttProtocolVersion version = connect.version();
        boolean v5 = version.isMqtt5();
        Connect.Will will = connect.will();
        byte[] password = connect.password();
        int connectFlags = connect.cleanSession() ? 0x02 : 0;
        if (will != null) {
            connectFlags |= 0x04 | will.qos().value() << 3 | (will.retain() ? 0x20 : 0);
        }
        if (connect.username() != null) {
            connectFlags |= 0x80;
        }
        if (password != null) {
            connectFlags |= 0x40;
        }
        writeString(buf, version.protocolName());
        buf.writeByte(version.protocolLevel());
        buf.writeByte(connectFlags);
        buf.writeShort(connect.keepAliveSeconds());
        writeProperties(buf, v5, connect.properties());
        writeString(buf, connect.clientId());
        if (will != null) {
            writeProperties(buf, v5, will.properties());
            writeString(buf, will.topic());
            byte[] willPayload = will.payload();
            buf.writeShort(willPayload.length);
            buf.writeBytes(willPayload);
        }
        if (connect.username() != null) {
            writeString(buf, connect.username());
        }
        if (password != null) {
            buf.writeShort(password.length);
            buf.writeBytes(password);
        }
    }

    private static void writeAcknowledgement(ByteBuf buf, boolean v5, int packetId, ReasonCode code,
                                             MqttProperties properties) {
        buf.writeShort(packetId);
        writeShortForm(buf, v5, code, properties);
    }

    /** Whatever of reason code and properties the length computed for them leaves room for. */
    private static void writeShortForm(ByteBuf buf, boolean v5, ReasonCode code, MqttProperties properties) {
        if (v5 && (code != ReasonCode.SUCCESS || !properties.isEmpty())) {
            buf.writeByte(code.value());
            if (!properties.isEmpty()) {
                properties.writeTo(buf);
            }
        }
    }

    private static void writeProperties(ByteBuf buf, boolean v5, MqttProperties properties) {
        if (v5) {
            properties.writeTo(buf);
        }
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
        ByteBuf buf = ctx.alloc().buffer(1 + VariableByteInteger.size(length) + (int) bytesToFollow);
        buf.writeByte(type.code() << 4 | flags);
        VariableByteInteger.write(buf, length);
        return buf;
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

    /** One pass over the string: the length is filled in after it is written (its size was checked before). */
    static void writeString(ByteBuf buf, String s) {
        int lengthIndex = buf.writerIndex();
        buf.writeShort(0);
        buf.setShort(lengthIndex, ByteBufUtil.writeUtf8(buf, s));
    }
}
