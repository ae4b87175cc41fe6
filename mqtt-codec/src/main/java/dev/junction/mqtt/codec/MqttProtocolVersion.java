package dev.junction.mqtt.codec;

/** The protocol name and level pairs this server accepts in CONNECT. */
public enum MqttProtocolVersion {
    /** MQTT 3.1, still sent by older clients. */
    MQTT_3_1("MQIsdp", 3),
    MQTT_3_1_1("MQTT", 4),
    MQTT_5("MQTT", 5);

    private final String protocolName;
    private final int protocolLevel;

    MqttProtocolVersion(String protocolName, int protocolLevel) {
        this.protocolName = protocolName;
        this.protocolLevel = protocolLevel;
    }

    public String protocolName() {
        return protocolName;
    }

    public int protocolLevel() {
        return protocolLevel;
    }

    /** Whether packets carry properties and reason codes. */
    public boolean isMqtt5() {
        return this == MQTT_5;
    }

    /** @return whether some version uses this protocol name */
    static boolean isKnownName(String protocolName) {
        return MQTT_3_1.protocolName.equals(protocolName) || MQTT_3_1_1.protocolName.equals(protocolName);
    }

    /** @return the version with this name and level, or {@code null} if there is none */
    static MqttProtocolVersion of(String protocolName, int protocolLevel) {
        for (MqttProtocolVersion version : values()) {
            if (version.protocolName.equals(protocolName) && version.protocolLevel == protocolLevel) {
                return version;
            }
        }
        return null;
    }
}
