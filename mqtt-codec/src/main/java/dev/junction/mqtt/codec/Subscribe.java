package dev.junction.mqtt.codec;

import java.util.List;
import java.util.Objects;

/**
 * SUBSCRIBE (section 3.8): at least one subscription [MQTT-3.8.3-3]. MQTT 5 adds properties (at most one
 * subscription identifier, user properties) and subscription options per filter; MQTT 3.1.1 has only the QoS.
 */
public record Subscribe(int packetId, List<Subscription> subscriptions, MqttProperties properties)
        implements MqttPacket {
    public Subscribe {
        PacketIdentifiers.requireValid(packetId);
        subscriptions = List.copyOf(subscriptions);
        if (subscriptions.isEmpty()) {
            throw new IllegalArgumentException("SUBSCRIBE needs at least one subscription [MQTT-3.8.3-3]");
        }
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.SUBSCRIBE);
    }

    /** A SUBSCRIBE without properties. */
    public Subscribe(int packetId, List<Subscription> subscriptions) {
        this(packetId, subscriptions, MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.SUBSCRIBE;
    }

    /** Retain Handling (section 3.8.3.1): when retained messages are sent for a new subscription. */
    public enum RetainHandling {
        SEND_AT_SUBSCRIBE,
        SEND_AT_SUBSCRIBE_IF_NEW,
        DO_NOT_SEND;

        public int value() {
            return ordinal();
        }
    }

    /**
     * One topic filter with its options (section 3.8.3.1).
     *
     * @param requestedQos      the maximum QoS the server may deliver with
     * @param noLocal           MQTT 5: do not deliver the client's own publications to it
     * @param retainAsPublished MQTT 5: forward the RETAIN flag as published rather than cleared
     * @param retainHandling    MQTT 5; MQTT 3.1.1 behaves as {@link RetainHandling#SEND_AT_SUBSCRIBE}
     */
    public record Subscription(String topicFilter, MqttQos requestedQos, boolean noLocal, boolean retainAsPublished,
                               RetainHandling retainHandling) {
        public Subscription {
            MqttUtf8.requireEncodable(topicFilter, "topic filter");
            Objects.requireNonNull(requestedQos, "requestedQos");
            Objects.requireNonNull(retainHandling, "retainHandling");
        }

        /** A subscription with MQTT 3.1.1's options: only the QoS. */
        public Subscription(String topicFilter, MqttQos requestedQos) {
            this(topicFilter, requestedQos, false, false, RetainHandling.SEND_AT_SUBSCRIBE);
        }

        /** The options byte: QoS in bits 0-1, No Local bit 2, Retain As Published bit 3, Retain Handling bits 4-5. */
        int options() {
            return requestedQos.value() | (noLocal ? 0x04 : 0) | (retainAsPublished ? 0x08 : 0)
                    | retainHandling.value() << 4;
        }

        boolean hasMqtt5Options() {
            return options() != requestedQos.value();
        }
    }
}
