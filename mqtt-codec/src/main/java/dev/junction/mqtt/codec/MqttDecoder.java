package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the bytes a client sends into {@link MqttInbound} messages, to the letter of MQTT 3.1.1 or 5.0.
 *
 * <p>The version is the connection's ({@link MqttChannelVersion}): MQTT 3.1.1 until a CONNECT declares a level,
 * then that level's rules for every later packet. An MQTT 5 violation is typed as the standard distinguishes them
 * (Malformed Packet, Protocol Error, Packet Too Large) so that the handler can send the matching reason code.
 *
 * <p>A state machine: it reads a fixed header, then waits until the whole body is buffered and decodes it. The
 * declared size is checked against {@code maxPacketSize} as soon as the fixed header is complete, so an oversized
 * packet is rejected before any of its body is buffered. The first protocol violation produces one
 * {@link MalformedPacket}; a CONNECT with an unsupported level produces one {@link UnacceptableProtocolLevel}.
 * After either, all further input is discarded so that the handler can answer and close the connection.
 *
 * <p>A decoded {@link Publish} holds a retained slice of the received bytes, not a copy.
 */
public final class MqttDecoder extends ByteToMessageDecoder {
    /**
     * Default for {@code mqtt.max_packet_size}: 1 MiB, counting the fixed header. The protocol allows 256 MiB, but
     * a whole packet is buffered before it is decoded, so the limit bounds the memory any single connection, even
     * one not yet authenticated, can pin; telemetry and command payloads are typically far below it.
     */
    public static final int DEFAULT_MAX_PACKET_SIZE = 1024 * 1024;

    /** The largest packet the protocol can express: type byte, four length bytes, 268,435,455 bytes of body. */
    public static final int PROTOCOL_MAX_PACKET_SIZE = 1 + 4 + 268_435_455;

    private static final int MAX_REMAINING_LENGTH_BYTES = 4;

    private enum State { FIXED_HEADER, BODY, DISCARD }

    private final int maxPacketSize;
    private final PacketBodyReader body = new PacketBodyReader();
    private State state = State.FIXED_HEADER;
    private ChannelHandlerContext ctx;
    private MqttProtocolVersion version;
    private MqttPacketType type;
    private int flags;
    private int remainingLength;

    public MqttDecoder() {
        this(DEFAULT_MAX_PACKET_SIZE);
    }

    /** @param maxPacketSize the largest whole packet accepted, fixed header included, in bytes */
    public MqttDecoder(int maxPacketSize) {
        if (maxPacketSize < 2 || maxPacketSize > PROTOCOL_MAX_PACKET_SIZE) {
            throw new IllegalArgumentException(
                    "maxPacketSize must be in 2.." + PROTOCOL_MAX_PACKET_SIZE + ", got " + maxPacketSize);
        }
        this.maxPacketSize = maxPacketSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.DISCARD) {
            in.skipBytes(in.readableBytes());
            return;
        }
        this.ctx = ctx;
        version = MqttChannelVersion.of(ctx.channel());
        try {
            if (state == State.FIXED_HEADER) {
                if (!readFixedHeader(in)) {
                    return;
                }
                state = State.BODY;
            }
            if (in.readableBytes() < remainingLength) {
                return;
            }
            state = State.FIXED_HEADER;
            MqttInbound decoded = decodeBody(in);
            out.add(decoded);
            if (decoded instanceof UnacceptableProtocolLevel) {
                discardFromNowOn(in);
            }
        } catch (MalformedPacketException e) {
            out.add(e.toPacket(version));
            discardFromNowOn(in);
        } finally {
            body.finish();
        }
    }

    /** The stream ended: a partly received packet is reported, since its sender broke off mid-packet. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        boolean midPacket = state == State.BODY || (state == State.FIXED_HEADER && in.isReadable());
        if (midPacket) {
            String what = state == State.BODY ? type + " packet" : "fixed header";
            out.add(new MalformedPacket(MalformedPacket.Violation.MALFORMED,
                    "connection ended in the middle of a " + what, MqttChannelVersion.of(ctx.channel())));
            discardFromNowOn(in);
        }
    }

    private void discardFromNowOn(ByteBuf in) {
        state = State.DISCARD;
        in.skipBytes(in.readableBytes());
    }

    /** @return whether the whole fixed header was available; if so it has been consumed */
    private boolean readFixedHeader(ByteBuf in) throws MalformedPacketException {
        int start = in.readerIndex();
        int first = in.getUnsignedByte(start);
        type = MqttPacketType.ofCode(first >>> 4);
        if (type == null || (type == MqttPacketType.AUTH && !version.isMqtt5())) {
            throw new MalformedPacketException("reserved packet type " + (first >>> 4) + " (section 2.2.1)");
        }
        flags = first & 0x0F;
        checkFlags();

        int length = 0;
        int headerLength = 0;
        for (int i = 0; i < MAX_REMAINING_LENGTH_BYTES && headerLength == 0; i++) {
            if (in.readableBytes() < i + 2) {
                return false;
            }
            int encoded = in.getUnsignedByte(start + 1 + i);
            length |= (encoded & 0x7F) << (7 * i);
            if ((encoded & 0x80) == 0) {
                headerLength = i + 2;
            }
        }
        if (headerLength == 0) {
            throw new MalformedPacketException(type + " remaining length continues past four bytes (section 2.2.3)");
        }
        long packetSize = (long) headerLength + length;
        if (packetSize > maxPacketSize) {
            throw new MalformedPacketException(MalformedPacket.Violation.PACKET_TOO_LARGE, type + " packet of "
                    + packetSize + " bytes exceeds the maximum packet size of " + maxPacketSize + " bytes");
        }
        checkFixedRemainingLength(length);
        remainingLength = length;
        in.skipBytes(headerLength);
        return true;
    }

    private void checkFlags() throws MalformedPacketException {
        if (type == MqttPacketType.PUBLISH) {
            int qos = (flags >>> 1) & 0b11;
            if (qos == 3) {
                throw new MalformedPacketException("PUBLISH has QoS 3, which is reserved [MQTT-3.3.1-4]");
            }
            if (qos == 0 && (flags & 0b1000) != 0) {
                throw new MalformedPacketException("PUBLISH has DUP set with QoS 0 [MQTT-3.3.1-2]");
            }
        } else if (flags != type.requiredFlags()) {
            throw new MalformedPacketException(type + " fixed header flags must be 0b"
                    + binary(type.requiredFlags()) + " but are 0b" + binary(flags) + " [" + flagsRule() + "]");
        }
    }

    private String flagsRule() {
        return switch (type) {
            case PUBREL -> "MQTT-3.6.1-1";
            case SUBSCRIBE -> "MQTT-3.8.1-1";
            case UNSUBSCRIBE -> "MQTT-3.10.1-1";
            default -> "MQTT-2.2.2-1";
        };
    }

    private static String binary(int flags) {
        return String.format("%4s", Integer.toBinaryString(flags)).replace(' ', '0');
    }

    /**
     * Packets with no payload have one legal remaining length in 3.1.1; checking it here avoids buffering garbage.
     * MQTT 5 lets reason codes and properties follow, except in PINGREQ and PINGRESP.
     */
    private void checkFixedRemainingLength(int length) throws MalformedPacketException {
        int required = version.isMqtt5()
                ? switch (type) {
                    case PINGREQ, PINGRESP -> 0;
                    default -> length;
                }
                : switch (type) {
                    case CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK -> 2;
                    case PINGREQ, PINGRESP, DISCONNECT -> 0;
                    default -> length;
                };
        if (length != required) {
            throw new MalformedPacketException(
                    type + " remaining length must be " + required + " but is " + length);
        }
    }

    private MqttInbound decodeBody(ByteBuf in) throws MalformedPacketException {
        body.start(in, remainingLength, type);
        boolean v5 = version.isMqtt5();
        MqttInbound decoded = switch (type) {
            case CONNECT -> decodeConnect();
            case CONNACK -> decodeConnAck();
            case PUBLISH -> decodePublish();
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> decodeAcknowledgement(v5);
            case SUBSCRIBE -> decodeSubscribe();
            case SUBACK -> decodeSubAck();
            case UNSUBSCRIBE -> decodeUnsubscribe();
            case UNSUBACK -> v5 ? decodeUnsubAck() : new UnsubAck(body.readPacketId());
            case PINGREQ -> PingReq.INSTANCE;
            case PINGRESP -> PingResp.INSTANCE;
            case DISCONNECT -> v5 && body.hasRemaining()
                    ? new Disconnect(optionalReasonCode(), optionalProperties()) : Disconnect.INSTANCE;
            case AUTH -> new Auth(optionalReasonCode(), optionalProperties());
        };
        if (!(decoded instanceof UnacceptableProtocolLevel)) {
            body.requireEnd();
        }
        return decoded;
    }

    private MqttInbound decodeConnect() throws MalformedPacketException {
        String protocolName = body.readString("protocol name");
        if (!MqttProtocolVersion.isKnownName(protocolName)) {
            throw body.malformed("protocol name is neither MQTT nor MQIsdp [MQTT-3.1.2-1]");
        }
        int level = body.readUnsignedByte("protocol level");
        MqttProtocolVersion declared = MqttProtocolVersion.of(protocolName, level);
        if (declared == null) {
            return new UnacceptableProtocolLevel(protocolName, level);
        }
        // Set before the rest is checked, so that a refusal of this very CONNECT is encoded for its version.
        version = declared;
        MqttChannelVersion.set(ctx.channel(), declared);
        boolean v5 = declared.isMqtt5();
        int connectFlags = body.readUnsignedByte("connect flags");
        boolean hasUsername = (connectFlags & 0x80) != 0;
        boolean hasPassword = (connectFlags & 0x40) != 0;
        boolean willRetain = (connectFlags & 0x20) != 0;
        int willQos = (connectFlags >>> 3) & 0b11;
        boolean hasWill = (connectFlags & 0x04) != 0;
        boolean cleanSession = (connectFlags & 0x02) != 0;
        if ((connectFlags & 0x01) != 0) {
            throw body.malformed("reserved connect flag is not 0 [MQTT-3.1.2-3]");
        }
        if (hasWill && willQos == 3) {
            throw body.malformed("will QoS is 3 [MQTT-3.1.2-14]");
        }
        if (!hasWill && willQos != 0) {
            throw body.malformed("will QoS is not 0 without the will flag [MQTT-3.1.2-13]");
        }
        if (!hasWill && willRetain) {
            throw body.malformed("will retain is set without the will flag [MQTT-3.1.2-15]");
        }
        if (hasPassword && !hasUsername && !v5) {
            throw body.malformed("password flag is set without the user name flag [MQTT-3.1.2-22]");
        }
        int keepAlive = body.readUnsignedShort("keep alive");
        MqttProperties properties = v5 ? body.readProperties(MqttPacketType.CONNECT) : MqttProperties.NONE;
        String clientId = body.readString("client identifier");
        Connect.Will will = null;
        if (hasWill) {
            MqttProperties willProperties = v5 ? body.readProperties(null) : MqttProperties.NONE;
            String topic = body.readString("will topic");
            will = new Connect.Will(topic, body.readBinary("will message"), MqttQos.of(willQos), willRetain,
                    willProperties);
        }
        String username = hasUsername ? body.readString("user name") : null;
        byte[] password = hasPassword ? body.readBinary("password") : null;
        return new Connect(declared, cleanSession, keepAlive, clientId, will, username, password, properties);
    }

    private ConnAck decodeConnAck() throws MalformedPacketException {
        int ackFlags = body.readUnsignedByte("acknowledge flags");
        if ((ackFlags & 0xFE) != 0) {
            throw body.malformed("reserved acknowledge flags are not 0 (section 3.2.2.1)");
        }
        boolean sessionPresent = ackFlags == 1;
        if (version.isMqtt5()) {
            ReasonCode reasonCode = body.readReasonCode(MqttPacketType.CONNACK);
            if (sessionPresent && reasonCode.isFailure()) {
                throw body.malformed("session present is set with a failure reason code [MQTT-3.2.2-6]");
            }
            return new ConnAck(sessionPresent, reasonCode, body.readProperties(MqttPacketType.CONNACK));
        }
        int value = body.readUnsignedByte("return code");
        ConnectReturnCode returnCode = ConnectReturnCode.ofValue(value);
        if (returnCode == null) {
            throw body.malformed("return code " + value + " is reserved (section 3.2.2.3)");
        }
        if (sessionPresent && returnCode != ConnectReturnCode.ACCEPTED) {
            throw body.malformed("session present is set with a non-zero return code [MQTT-3.2.2-4]");
        }
        return new ConnAck(sessionPresent, returnCode);
    }

    private Publish decodePublish() throws MalformedPacketException {
        MqttQos qos = MqttQos.of((flags >>> 1) & 0b11);
        String topic = body.readString("topic name");
        int packetId = qos == MqttQos.AT_MOST_ONCE ? 0 : body.readPacketId();
        MqttProperties properties = version.isMqtt5() ? body.readProperties(MqttPacketType.PUBLISH)
                : MqttProperties.NONE;
        boolean dup = (flags & 0b1000) != 0;
        boolean retain = (flags & 0b0001) != 0;
        return new Publish(topic, qos, dup, retain, packetId, body.readRetainedRest(), properties);
    }

    private Subscribe decodeSubscribe() throws MalformedPacketException {
        int packetId = body.readPacketId();
        boolean v5 = version.isMqtt5();
        MqttProperties properties = v5 ? body.readProperties(MqttPacketType.SUBSCRIBE) : MqttProperties.NONE;
        List<Subscribe.Subscription> subscriptions = new ArrayList<>();
        while (body.hasRemaining()) {
            String filter = body.readString("topic filter");
            subscriptions.add(v5 ? subscriptionOptions(filter, body.readUnsignedByte("subscription options"))
                    : new Subscribe.Subscription(filter, requestedQos(body.readUnsignedByte("requested QoS"))));
        }
        if (subscriptions.isEmpty()) {
            throw body.malformed("has no topic filter [MQTT-3.8.3-3]");
        }
        return new Subscribe(packetId, subscriptions, properties);
    }

    private MqttQos requestedQos(int requested) throws MalformedPacketException {
        if ((requested & 0xFC) != 0) {
            throw body.malformed("requested QoS reserved bits are not 0 [MQTT-3.8.3-4]");
        }
        if (requested == 3) {
            throw body.malformed("requested QoS is 3 [MQTT-3.8.3-4]");
        }
        return MqttQos.of(requested);
    }

    private Subscribe.Subscription subscriptionOptions(String filter, int options) throws MalformedPacketException {
        if ((options & 0xC0) != 0) {
            throw body.malformed("subscription options reserved bits are not 0 [MQTT-3.8.3-5]");
        }
        int qos = options & 0b11;
        if (qos == 3) {
            throw body.malformed("maximum QoS is 3 (section 3.8.3.1)");
        }
        int retainHandling = (options >>> 4) & 0b11;
        if (retainHandling == 3) {
            throw body.protocolError("retain handling is 3 (section 3.8.3.1)");
        }
        return new Subscribe.Subscription(filter, MqttQos.of(qos), (options & 0x04) != 0, (options & 0x08) != 0,
                Subscribe.RetainHandling.values()[retainHandling]);
    }

    private SubAck decodeSubAck() throws MalformedPacketException {
        int packetId = body.readPacketId();
        if (version.isMqtt5()) {
            MqttProperties properties = body.readProperties(MqttPacketType.SUBACK);
            return new SubAck(packetId, reasonCodes(), properties);
        }
        List<SubAckReturnCode> returnCodes = new ArrayList<>();
        while (body.hasRemaining()) {
            int value = body.readUnsignedByte("return code");
            SubAckReturnCode returnCode = SubAckReturnCode.ofValue(value);
            if (returnCode == null) {
                throw body.malformed("return code 0x" + Integer.toHexString(value) + " is reserved [MQTT-3.9.3-2]");
            }
            returnCodes.add(returnCode);
        }
        if (returnCodes.isEmpty()) {
            throw body.malformed("has no return code");
        }
        return new SubAck(packetId, returnCodes);
    }

    private Unsubscribe decodeUnsubscribe() throws MalformedPacketException {
        int packetId = body.readPacketId();
        MqttProperties properties = version.isMqtt5() ? body.readProperties(MqttPacketType.UNSUBSCRIBE)
                : MqttProperties.NONE;
        List<String> filters = new ArrayList<>();
        while (body.hasRemaining()) {
            filters.add(body.readString("topic filter"));
        }
        if (filters.isEmpty()) {
            throw body.malformed("has no topic filter [MQTT-3.10.3-2]");
        }
        return new Unsubscribe(packetId, filters, properties);
    }

    private UnsubAck decodeUnsubAck() throws MalformedPacketException {
        int packetId = body.readPacketId();
        MqttProperties properties = body.readProperties(MqttPacketType.UNSUBACK);
        return new UnsubAck(packetId, reasonCodes(), properties);
    }

    /** PUBACK, PUBREC, PUBREL or PUBCOMP: a packet identifier, then in MQTT 5 an optional code and properties. */
    private MqttPacket decodeAcknowledgement(boolean v5) throws MalformedPacketException {
        int packetId = body.readPacketId();
        ReasonCode code = v5 ? optionalReasonCode() : ReasonCode.SUCCESS;
        MqttProperties properties = v5 ? optionalProperties() : MqttProperties.NONE;
        return switch (type) {
            case PUBACK -> new PubAck(packetId, code, properties);
            case PUBREC -> new PubRec(packetId, code, properties);
            case PUBREL -> new PubRel(packetId, code, properties);
            default -> new PubComp(packetId, code, properties);
        };
    }

    /** The rest of a SUBACK or UNSUBACK: at least one reason code. */
    private List<ReasonCode> reasonCodes() throws MalformedPacketException {
        List<ReasonCode> codes = new ArrayList<>();
        while (body.hasRemaining()) {
            codes.add(body.readReasonCode(type));
        }
        if (codes.isEmpty()) {
            throw body.malformed("has no reason code");
        }
        return codes;
    }

    /** MQTT 5 acknowledgements, DISCONNECT and AUTH may end before the reason code: then it is 0x00. */
    private ReasonCode optionalReasonCode() throws MalformedPacketException {
        return body.hasRemaining() ? body.readReasonCode(type) : ReasonCode.SUCCESS;
    }

    /** ... and before the property length: then there are none. */
    private MqttProperties optionalProperties() throws MalformedPacketException {
        return body.hasRemaining() ? body.readProperties(type) : MqttProperties.NONE;
    }
}
