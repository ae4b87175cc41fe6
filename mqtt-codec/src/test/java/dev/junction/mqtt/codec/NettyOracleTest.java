package dev.junction.mqtt.codec;

import static dev.junction.mqtt.codec.Wire.decode;
import static dev.junction.mqtt.codec.Wire.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.mqtt.codec.Subscribe.Subscription;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Netty's own codec-mqtt as an independent oracle, in both directions. */
@ExtendWith(LeakGuard.class)
class NettyOracleTest {
    private final List<MqttPacket> samples = SamplePackets.all();

    @AfterEach
    void releaseSamples() {
        Wire.releaseAll(samples);
    }

    @Test
    void nettyDecodesWhatWeEncode() {
        nettyDecodesWhatWeEncode(samples);
    }

    @Test
    void weDecodeWhatNettyEncodes() {
        weDecodeWhatNettyEncodes(samples);
    }

    @Test
    void edgeCasesAgreeInBothDirections() {
        List<MqttPacket> edgeCases = SamplePackets.edgeCases().stream()
                .map(NettyOracleTest::withinNettysWillTopicLimit).toList();
        try {
            nettyDecodesWhatWeEncode(edgeCases);
            weDecodeWhatNettyEncodes(edgeCases);
        } finally {
            Wire.releaseAll(edgeCases);
        }
    }

    /** Netty decodes a will topic of at most 32767 bytes, though the standard allows 65535. */
    private static MqttPacket withinNettysWillTopicLimit(MqttPacket packet) {
        if (packet instanceof Connect connect && connect.will() != null) {
            Connect.Will will = connect.will();
            return new Connect(connect.version(), connect.cleanSession(), connect.keepAliveSeconds(),
                    connect.clientId(), new Connect.Will(will.topic().substring(0, 32767 / 3), will.payload(),
                    will.qos(), will.retain()), connect.username(), connect.password());
        }
        return packet;
    }

    private static void nettyDecodesWhatWeEncode(List<MqttPacket> packets) {
        for (MqttPacket packet : packets) {
            EmbeddedChannel netty = new EmbeddedChannel(new io.netty.handler.codec.mqtt.MqttDecoder(
                    SamplePackets.EDGE_CASE_MAX_PACKET_SIZE, 0xFFFF));
            netty.writeInbound(Wire.tracked(encode(packet)));
            MqttMessage decoded = netty.readInbound();
            MqttPacket converted = null;
            try {
                assertTrue(decoded.decoderResult().isSuccess(), () -> packet + ": " + decoded.decoderResult());
                assertNull(netty.readInbound());
                converted = fromNetty(decoded);
                assertEquals(packet, converted);
            } finally {
                ReferenceCountUtil.release(decoded);
                ReferenceCountUtil.release(converted);
                netty.finishAndReleaseAll();
            }
        }
    }

    private static void weDecodeWhatNettyEncodes(List<MqttPacket> packets) {
        for (MqttPacket packet : packets) {
            EmbeddedChannel netty = new EmbeddedChannel(io.netty.handler.codec.mqtt.MqttEncoder.INSTANCE);
            netty.writeOutbound(toNetty(packet));
            ByteBuf all = Unpooled.buffer();
            for (ByteBuf part; (part = netty.readOutbound()) != null; ) {
                all.writeBytes(part);
                part.release();
            }
            netty.finishAndReleaseAll();
            byte[] bytes = ByteBufUtil.getBytes(all);
            all.release();
            Wire.assertDecoded(List.of(packet), decode(SamplePackets.EDGE_CASE_MAX_PACKET_SIZE, bytes));
        }
    }

    static MqttPacket fromNetty(MqttMessage message) {
        MqttFixedHeader header = message.fixedHeader();
        return switch (header.messageType()) {
            case CONNECT -> {
                MqttConnectMessage connect = (MqttConnectMessage) message;
                var variable = connect.variableHeader();
                var payload = connect.payload();
                MqttProtocolVersion version = variable.version() == 3
                        ? MqttProtocolVersion.MQTT_3_1 : MqttProtocolVersion.MQTT_3_1_1;
                assertEquals(version.protocolName(), variable.name());
                Connect.Will will = variable.isWillFlag()
                        ? new Connect.Will(payload.willTopic(), payload.willMessageInBytes(),
                        MqttQos.of(variable.willQos()), variable.isWillRetain())
                        : null;
                yield new Connect(version, variable.isCleanSession(), variable.keepAliveTimeSeconds(),
                        payload.clientIdentifier(), will, variable.hasUserName() ? payload.userName() : null,
                        variable.hasPassword() ? payload.passwordInBytes() : null);
            }
            case CONNACK -> {
                MqttConnAckVariableHeader variable = ((MqttConnAckMessage) message).variableHeader();
                yield new ConnAck(variable.isSessionPresent(),
                        ConnectReturnCode.values()[variable.connectReturnCode().byteValue()]);
            }
            case PUBLISH -> {
                MqttPublishMessage publish = (MqttPublishMessage) message;
                MqttQos qos = MqttQos.of(header.qosLevel().value());
                // Netty reports -1 where QoS 0 has no packet identifier.
                int packetId = qos == MqttQos.AT_MOST_ONCE ? 0 : publish.variableHeader().packetId();
                // A copy, because the caller releases Netty's message.
                yield new Publish(publish.variableHeader().topicName(), qos, header.isDup(), header.isRetain(),
                        packetId,
                        Unpooled.copiedBuffer(publish.payload()));
            }
            case PUBACK -> new PubAck(messageId(message));
            case PUBREC -> new PubRec(messageId(message));
            case PUBREL -> new PubRel(messageId(message));
            case PUBCOMP -> new PubComp(messageId(message));
            case SUBSCRIBE -> {
                MqttSubscribeMessage subscribe = (MqttSubscribeMessage) message;
                List<Subscription> subscriptions = new ArrayList<>();
                for (var subscription : subscribe.payload().topicSubscriptions()) {
                    subscriptions.add(new Subscription(subscription.topicFilter(),
                            MqttQos.of(subscription.qualityOfService().value())));
                }
                yield new Subscribe(subscribe.variableHeader().messageId(), subscriptions);
            }
            case SUBACK -> {
                MqttSubAckMessage subAck = (MqttSubAckMessage) message;
                List<SubAckReturnCode> codes = new ArrayList<>();
                for (int code : subAck.payload().reasonCodes()) {
                    codes.add(SubAckReturnCode.ofValue(code));
                }
                yield new SubAck(subAck.variableHeader().messageId(), codes);
            }
            case UNSUBSCRIBE -> {
                MqttUnsubscribeMessage unsubscribe = (MqttUnsubscribeMessage) message;
                yield new Unsubscribe(unsubscribe.variableHeader().messageId(), unsubscribe.payload().topics());
            }
            case UNSUBACK -> new UnsubAck(messageId(message));
            case PINGREQ -> PingReq.INSTANCE;
            case PINGRESP -> PingResp.INSTANCE;
            case DISCONNECT -> Disconnect.INSTANCE;
            default -> throw new AssertionError("not an MQTT 3.1.1 packet: " + message);
        };
    }

    private static int messageId(MqttMessage message) {
        return ((MqttMessageIdVariableHeader) message.variableHeader()).messageId();
    }

    static MqttMessage toNetty(MqttPacket packet) {
        if (packet instanceof Connect connect) {
            var builder = MqttMessageBuilders.connect()
                    .protocolVersion(connect.version() == MqttProtocolVersion.MQTT_3_1
                            ? MqttVersion.MQTT_3_1 : MqttVersion.MQTT_3_1_1)
                    .clientId(connect.clientId())
                    .cleanSession(connect.cleanSession())
                    .keepAlive(connect.keepAliveSeconds())
                    .hasUser(connect.username() != null)
                    .username(connect.username())
                    .hasPassword(connect.password() != null)
                    .password(connect.password());
            Connect.Will will = connect.will();
            if (will != null) {
                builder.willFlag(true).willTopic(will.topic()).willMessage(will.payload())
                        .willQoS(MqttQoS.valueOf(will.qos().value())).willRetain(will.retain());
            }
            return builder.build();
        } else if (packet instanceof ConnAck connAck) {
            return MqttMessageBuilders.connAck().sessionPresent(connAck.sessionPresent())
                    .returnCode(MqttConnectReturnCode.valueOf((byte) connAck.returnCode().value())).build();
        } else if (packet instanceof Publish publish) {
            // Netty's PUBLISH fixed header cannot be built with DUP through the builder.
            MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, publish.dup(),
                    MqttQoS.valueOf(publish.qos().value()), publish.retainFlag(), 0);
            return MqttMessageFactory.newMessage(header,
                    new io.netty.handler.codec.mqtt.MqttPublishVariableHeader(publish.topic(), publish.packetId()),
                    publish.payload().retainedDuplicate());
        } else if (packet instanceof Subscribe subscribe) {
            var builder = MqttMessageBuilders.subscribe().messageId(subscribe.packetId());
            for (Subscription subscription : subscribe.subscriptions()) {
                builder.addSubscription(MqttQoS.valueOf(subscription.requestedQos().value()),
                        subscription.topicFilter());
            }
            return builder.build();
        } else if (packet instanceof SubAck subAck) {
            var builder = MqttMessageBuilders.subAck().packetId(subAck.packetId());
            for (SubAckReturnCode code : subAck.returnCodes()) {
                builder.addGrantedQos(MqttQoS.valueOf(code.value()));
            }
            return builder.build();
        } else if (packet instanceof Unsubscribe unsubscribe) {
            var builder = MqttMessageBuilders.unsubscribe().messageId(unsubscribe.packetId());
            unsubscribe.topicFilters().forEach(builder::addTopicFilter);
            return builder.build();
        } else if (packet instanceof PubAck ack) {
            return withMessageId(MqttMessageType.PUBACK, MqttQoS.AT_MOST_ONCE, ack.packetId());
        } else if (packet instanceof PubRec ack) {
            return withMessageId(MqttMessageType.PUBREC, MqttQoS.AT_MOST_ONCE, ack.packetId());
        } else if (packet instanceof PubRel ack) {
            return withMessageId(MqttMessageType.PUBREL, MqttQoS.AT_LEAST_ONCE, ack.packetId());
        } else if (packet instanceof PubComp ack) {
            return withMessageId(MqttMessageType.PUBCOMP, MqttQoS.AT_MOST_ONCE, ack.packetId());
        } else if (packet instanceof UnsubAck ack) {
            return withMessageId(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE, ack.packetId());
        } else if (packet instanceof PingReq) {
            return MqttMessage.PINGREQ;
        } else if (packet instanceof PingResp) {
            return MqttMessage.PINGRESP;
        }
        return MqttMessage.DISCONNECT;
    }

    /** PUBREL's required flags 0b0010 are Netty's "QoS 1" bits. */
    private static MqttMessage withMessageId(MqttMessageType type, MqttQoS qosBits, int packetId) {
        return MqttMessageFactory.newMessage(new MqttFixedHeader(type, false, qosBits, false, 0),
                MqttMessageIdVariableHeader.from(packetId), null);
    }
}
