package dev.junction.mqtt.codec;

/** Construction checks shared by the MQTT 5 packet records. */
final class MqttPacketChecks {
    private MqttPacketChecks() {
    }

    /**
     * Properties must be of the kinds the packet may carry, each at most once unless the standard allows several.
     *
     * @param packet the packet type, or {@code null} for the will properties
     */
    static void requirePropertiesAllowed(MqttProperties properties, MqttPacketType packet) {
        MqttProperty wrong = properties.firstNotAllowedIn(packet);
        if (wrong != null) {
            throw new IllegalArgumentException((packet == null ? "the will" : packet.toString())
                    + " cannot carry the " + wrong + " property");
        }
        if (properties.subscriptionIdentifiers().size() > 1
                && !MqttProperty.SUBSCRIPTION_IDENTIFIER.repeatableIn(packet)) {
            throw new IllegalArgumentException(packet + " carries at most one subscription identifier");
        }
    }
}
