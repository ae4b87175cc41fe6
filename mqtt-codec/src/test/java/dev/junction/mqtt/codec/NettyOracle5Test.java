package dev.junction.mqtt.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageFactory;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Netty's codec-mqtt as an independent oracle for MQTT 5.0, in both directions, on every v5 sample. */
@ExtendWith(LeakGuard.class)
class NettyOracle5Test {
    /** The attribute Netty's own MQTT codec keeps the connection's version in. */
    private static final AttributeKey<MqttVersion> NETTY_VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private final List<MqttPacket> samples = SamplePackets.all5();

    @AfterEach
    void releaseSamples() {
        Wire.releaseAll(samples);
    }

    @Test
    void nettyDecodesWhatWeEncode() {
        for (MqttPacket packet : samples) {
            EmbeddedChannel netty = new EmbeddedChannel(new io.netty.handler.codec.mqtt.MqttDecoder(1 << 20, 0xFFFF));
            netty.attr(NETTY_VERSION).set(MqttVersion.MQTT_5);
            netty.writeInbound(Wire.tracked(Wire.encode(packet, MqttProtocolVersion.MQTT_5)));
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

    @Test
    void weDecodeWhatNettyEncodes() {
        for (MqttPacket packet : samples) {
            EmbeddedChannel netty = new EmbeddedChannel(io.netty.handler.codec.mqtt.MqttEncoder.INSTANCE);
            netty.attr(NETTY_VERSION).set(MqttVersion.MQTT_5);
            netty.writeOutbound(toNetty(packet));
            byte[] bytes = Wire.drainOutbound(netty);
            Wire.assertDecoded(List.of(packet), Wire.decode(MqttProtocolVersion.MQTT_5, bytes));
        }
    }

    // ---- properties ----

    private static MqttProperties fromNetty(io.netty.handler.codec.mqtt.MqttProperties netty) {
        MqttProperties.Builder builder = MqttProperties.builder();
        for (io.netty.handler.codec.mqtt.MqttProperties.MqttProperty<?> property : netty.listAll()) {
            MqttProperty ours = MqttProperty.ofId(property.propertyId());
            Object value = property.value();
            if (value instanceof List<?> pairs) {
                for (Object pair : pairs) {
                    var stringPair = (io.netty.handler.codec.mqtt.MqttProperties.StringPair) pair;
                    builder.setDecoded(ours, new MqttProperties.UserProperty(stringPair.key, stringPair.value));
                }
            } else if (value instanceof Integer number) {
                builder.setDecoded(ours, Integer.toUnsignedLong(number));
            } else {
                builder.setDecoded(ours, value);
            }
        }
        return builder.build();
    }

    private static io.netty.handler.codec.mqtt.MqttProperties toNetty(MqttProperties ours) {
        io.netty.handler.codec.mqtt.MqttProperties netty = new io.netty.handler.codec.mqtt.MqttProperties();
        integer(netty, 0x01, ours.payloadFormatIndicator());
        integer(netty, 0x02, ours.messageExpiryInterval());
        string(netty, 0x03, ours.contentType());
        string(netty, 0x08, ours.responseTopic());
        binary(netty, 0x09, ours.correlationData());
        ours.subscriptionIdentifiers().forEach(id -> integer(netty, 0x0B, OptionalInt.of(id)));
        integer(netty, 0x11, ours.sessionExpiryInterval());
        string(netty, 0x12, ours.assignedClientIdentifier());
        integer(netty, 0x13, ours.serverKeepAlive());
        string(netty, 0x15, ours.authenticationMethod());
        binary(netty, 0x16, ours.authenticationData());
        flag(netty, 0x17, ours.requestProblemInformation());
        integer(netty, 0x18, ours.willDelayInterval());
        flag(netty, 0x19, ours.requestResponseInformation());
        string(netty, 0x1A, ours.responseInformation());
        string(netty, 0x1C, ours.serverReference());
        string(netty, 0x1F, ours.reasonString());
        integer(netty, 0x21, ours.receiveMaximum());
        integer(netty, 0x22, ours.topicAliasMaximum());
        integer(netty, 0x23, ours.topicAlias());
        ours.maximumQos().ifPresent(qos -> integer(netty, 0x24, OptionalInt.of(qos.value())));
        flag(netty, 0x25, ours.retainAvailable());
        if (!ours.userProperties().isEmpty()) {
            var users = new io.netty.handler.codec.mqtt.MqttProperties.UserProperties();
            ours.userProperties().forEach(pair -> users.add(pair.name(), pair.value()));
            netty.add(users);
        }
        integer(netty, 0x27, ours.maximumPacketSize());
        flag(netty, 0x28, ours.wildcardSubscriptionAvailable());
        flag(netty, 0x29, ours.subscriptionIdentifiersAvailable());
        flag(netty, 0x2A, ours.sharedSubscriptionAvailable());
        return netty;
    }

    private static void integer(io.netty.handler.codec.mqtt.MqttProperties netty, int id, OptionalInt value) {
        value.ifPresent(v -> netty.add(new io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty(id, v)));
    }

    private static void integer(io.netty.handler.codec.mqtt.MqttProperties netty, int id, OptionalLong value) {
        value.ifPresent(v -> netty.add(new io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty(id, (int) v)));
    }

    private static void flag(io.netty.handler.codec.mqtt.MqttProperties netty, int id, Optional<Boolean> value) {
        value.ifPresent(v -> integer(netty, id, OptionalInt.of(v ? 1 : 0)));
    }

    private static void string(io.netty.handler.codec.mqtt.MqttProperties netty, int id, Optional<String> value) {
        value.ifPresent(v -> netty.add(new io.netty.handler.codec.mqtt.MqttProperties.StringProperty(id, v)));
    }

    private static void binary(io.netty.handler.codec.mqtt.MqttProperties netty, int id, Optional<byte[]> value) {
        value.ifPresent(v -> netty.add(new io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty(id, v)));
    }

    // ---- packets ----

    private static MqttPacket fromNetty(MqttMessage message) {
        MqttFixedHeader header = message.fixedHeader();
        Object variable = message.variableHeader();
        return switch (header.messageType()) {
            case CONNECT -> {
                MqttConnectMessage connect = (MqttConnectMessage) message;
                MqttConnectVariableHeader v = connect.variableHeader();
                MqttConnectPayload payload = connect.payload();
                Connect.Will will = v.isWillFlag()
                        ? new Connect.Will(payload.willTopic(), payload.willMessageInBytes(), MqttQos.of(v.willQos()),
                        v.isWillRetain(), fromNetty(payload.willProperties()))
                        : null;
                yield new Connect(MqttProtocolVersion.MQTT_5, v.isCleanSession(), v.keepAliveTimeSeconds(),
                        payload.clientIdentifier(), will, v.hasUserName() ? payload.userName() : null,
                        v.hasPassword() ? payload.passwordInBytes() : null, fromNetty(v.properties()));
            }
            case CONNACK -> {
                MqttConnAckVariableHeader v = ((MqttConnAckMessage) message).variableHeader();
                yield new ConnAck(v.isSessionPresent(), reason(v.connectReturnCode().byteValue(),
                        MqttPacketType.CONNACK), fromNetty(v.properties()));
            }
            case PUBLISH -> {
                MqttPublishMessage publish = (MqttPublishMessage) message;
                MqttQos qos = MqttQos.of(header.qosLevel().value());
                int packetId = qos == MqttQos.AT_MOST_ONCE ? 0 : publish.variableHeader().packetId();
                yield new Publish(publish.variableHeader().topicName(), qos, header.isDup(), header.isRetain(),
                        packetId, Unpooled.copiedBuffer(publish.payload()),
                        fromNetty(publish.variableHeader().properties()));
            }
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> pubReply(header.messageType(), variable);
            case SUBSCRIBE -> {
                MqttSubscribeMessage subscribe = (MqttSubscribeMessage) message;
                List<Subscribe.Subscription> subscriptions = new ArrayList<>();
                for (MqttTopicSubscription s : subscribe.payload().topicSubscriptions()) {
                    MqttSubscriptionOption option = s.option();
                    subscriptions.add(new Subscribe.Subscription(s.topicFilter(), MqttQos.of(option.qos().value()),
                            option.isNoLocal(), option.isRetainAsPublished(),
                            Subscribe.RetainHandling.values()[option.retainHandling().value()]));
                }
                yield new Subscribe(subscribe.idAndPropertiesVariableHeader().messageId(), subscriptions,
                        fromNetty(subscribe.idAndPropertiesVariableHeader().properties()));
            }
            case SUBACK -> {
                MqttSubAckMessage subAck = (MqttSubAckMessage) message;
                List<ReasonCode> codes = new ArrayList<>();
                subAck.payload().reasonCodes().forEach(code -> codes.add(reason(code, MqttPacketType.SUBACK)));
                yield new SubAck(subAck.idAndPropertiesVariableHeader().messageId(), codes,
                        fromNetty(subAck.idAndPropertiesVariableHeader().properties()));
            }
            case UNSUBSCRIBE -> {
                MqttUnsubscribeMessage unsubscribe = (MqttUnsubscribeMessage) message;
                yield new Unsubscribe(unsubscribe.idAndPropertiesVariableHeader().messageId(),
                        unsubscribe.payload().topics(),
                        fromNetty(unsubscribe.idAndPropertiesVariableHeader().properties()));
            }
            case UNSUBACK -> {
                MqttUnsubAckMessage unsubAck = (MqttUnsubAckMessage) message;
                List<ReasonCode> codes = new ArrayList<>();
                unsubAck.payload().unsubscribeReasonCodes()
                        .forEach(code -> codes.add(reason(code, MqttPacketType.UNSUBACK)));
                yield new UnsubAck(unsubAck.idAndPropertiesVariableHeader().messageId(), codes,
                        fromNetty(unsubAck.idAndPropertiesVariableHeader().properties()));
            }
            case PINGREQ -> PingReq.INSTANCE;
            case PINGRESP -> PingResp.INSTANCE;
            case DISCONNECT -> {
                var v = (MqttReasonCodeAndPropertiesVariableHeader) variable;
                yield v == null ? Disconnect.INSTANCE
                        : new Disconnect(reason(v.reasonCode(), MqttPacketType.DISCONNECT), fromNetty(v.properties()));
            }
            case AUTH -> {
                var v = (MqttReasonCodeAndPropertiesVariableHeader) variable;
                yield new Auth(reason(v.reasonCode(), MqttPacketType.AUTH), fromNetty(v.properties()));
            }
        };
    }

    private static MqttPacket pubReply(MqttMessageType type, Object variable) {
        int packetId;
        ReasonCode code = ReasonCode.SUCCESS;
        MqttProperties properties = MqttProperties.NONE;
        if (variable instanceof MqttPubReplyMessageVariableHeader v) {
            packetId = v.messageId();
            code = reason(v.reasonCode(), MqttPacketType.valueOf(type.name()));
            properties = fromNetty(v.properties());
        } else {
            packetId = ((io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader) variable).messageId();
        }
        return switch (type) {
            case PUBACK -> new PubAck(packetId, code, properties);
            case PUBREC -> new PubRec(packetId, code, properties);
            case PUBREL -> new PubRel(packetId, code, properties);
            default -> new PubComp(packetId, code, properties);
        };
    }

    private static ReasonCode reason(int value, MqttPacketType type) {
        return ReasonCode.of(value & 0xFF, type);
    }

    private static MqttMessage toNetty(MqttPacket packet) {
        if (packet instanceof Connect connect) {
            Connect.Will will = connect.will();
            var variable = new MqttConnectVariableHeader("MQTT", 5, connect.username() != null,
                    connect.password() != null, will != null && will.retain(), will == null ? 0 : will.qos().value(),
                    will != null, connect.cleanSession(), connect.keepAliveSeconds(), toNetty(connect.properties()));
            var payload = new MqttConnectPayload(connect.clientId(),
                    will == null ? io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES
                            : toNetty(will.properties()),
                    will == null ? null : will.topic(), will == null ? null : will.payload(), connect.username(),
                    connect.password());
            return new MqttConnectMessage(fixed(MqttMessageType.CONNECT, 0), variable, payload);
        } else if (packet instanceof ConnAck connAck) {
            return new MqttConnAckMessage(fixed(MqttMessageType.CONNACK, 0), new MqttConnAckVariableHeader(
                    MqttConnectReturnCode.valueOf((byte) connAck.reasonCode().value()), connAck.sessionPresent(),
                    toNetty(connAck.properties())));
        } else if (packet instanceof Publish publish) {
            MqttFixedHeader header = new MqttFixedHeader(MqttMessageType.PUBLISH, publish.dup(),
                    MqttQoS.valueOf(publish.qos().value()), publish.retainFlag(), 0);
            return new MqttPublishMessage(header, new MqttPublishVariableHeader(publish.topic(), publish.packetId(),
                    toNetty(publish.properties())), publish.payload().retainedDuplicate());
        } else if (packet instanceof PubAck ack) {
            return pubReply(MqttMessageType.PUBACK, 0, ack.packetId(), ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubRec ack) {
            return pubReply(MqttMessageType.PUBREC, 0, ack.packetId(), ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubRel ack) {
            return pubReply(MqttMessageType.PUBREL, 1, ack.packetId(), ack.reasonCode(), ack.properties());
        } else if (packet instanceof PubComp ack) {
            return pubReply(MqttMessageType.PUBCOMP, 0, ack.packetId(), ack.reasonCode(), ack.properties());
        } else if (packet instanceof Subscribe subscribe) {
            List<MqttTopicSubscription> subscriptions = new ArrayList<>();
            for (Subscribe.Subscription s : subscribe.subscriptions()) {
                subscriptions.add(new MqttTopicSubscription(s.topicFilter(), new MqttSubscriptionOption(
                        MqttQoS.valueOf(s.requestedQos().value()), s.noLocal(), s.retainAsPublished(),
                        MqttSubscriptionOption.RetainedHandlingPolicy.values()[s.retainHandling().value()])));
            }
            return new MqttSubscribeMessage(fixed(MqttMessageType.SUBSCRIBE, 1),
                    new MqttMessageIdAndPropertiesVariableHeader(subscribe.packetId(),
                            toNetty(subscribe.properties())), new MqttSubscribePayload(subscriptions));
        } else if (packet instanceof SubAck subAck) {
            return new MqttSubAckMessage(fixed(MqttMessageType.SUBACK, 0),
                    new MqttMessageIdAndPropertiesVariableHeader(subAck.packetId(), toNetty(subAck.properties())),
                    new MqttSubAckPayload(subAck.reasonCodes().stream().map(ReasonCode::value).toList()));
        } else if (packet instanceof Unsubscribe unsubscribe) {
            return new MqttUnsubscribeMessage(fixed(MqttMessageType.UNSUBSCRIBE, 1),
                    new MqttMessageIdAndPropertiesVariableHeader(unsubscribe.packetId(),
                            toNetty(unsubscribe.properties())), new MqttUnsubscribePayload(unsubscribe.topicFilters()));
        } else if (packet instanceof UnsubAck unsubAck) {
            return new MqttUnsubAckMessage(fixed(MqttMessageType.UNSUBACK, 0),
                    new MqttMessageIdAndPropertiesVariableHeader(unsubAck.packetId(), toNetty(unsubAck.properties())),
                    new MqttUnsubAckPayload(unsubAck.reasonCodes().stream()
                            .map(code -> (short) code.value()).toList()));
        } else if (packet instanceof PingReq) {
            return MqttMessage.PINGREQ;
        } else if (packet instanceof PingResp) {
            return MqttMessage.PINGRESP;
        } else if (packet instanceof Auth auth) {
            return MqttMessageFactory.newMessage(fixed(MqttMessageType.AUTH, 0),
                    new MqttReasonCodeAndPropertiesVariableHeader((byte) auth.reasonCode().value(),
                            toNetty(auth.properties())), null);
        }
        Disconnect disconnect = (Disconnect) packet;
        return MqttMessageFactory.newMessage(fixed(MqttMessageType.DISCONNECT, 0),
                new MqttReasonCodeAndPropertiesVariableHeader((byte) disconnect.reasonCode().value(),
                        toNetty(disconnect.properties())), null);
    }

    private static MqttMessage pubReply(MqttMessageType type, int qosBits, int packetId, ReasonCode code,
                                        MqttProperties properties) {
        return MqttMessageFactory.newMessage(fixed(type, qosBits),
                new MqttPubReplyMessageVariableHeader(packetId, (byte) code.value(), toNetty(properties)), null);
    }

    /** PUBREL, SUBSCRIBE and UNSUBSCRIBE's required flags 0b0010 are Netty's "QoS 1" bits. */
    private static MqttFixedHeader fixed(MqttMessageType type, int qosBits) {
        return new MqttFixedHeader(type, false, MqttQoS.valueOf(qosBits), false, 0);
    }
}
