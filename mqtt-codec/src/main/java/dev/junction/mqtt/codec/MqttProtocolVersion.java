package dev.junction.mqtt.codec;

/** The protocol name and level pairs this server accepts in CONNECT. */
public enum MqttProtocolVersion {
    /** MQTT 3.1, still sent by older clients. */
    MQTT_3_1("MQIsdp", 3, "3.1"),
    MQTT_3_1_1("MQTT", 4, "3.1.1"),
    MQTT_5("MQTT", 5, "5.0");

    private final String protocolName;
    private final int protocolLevel;
    private final String versionName;

    MqttProtocolVersion(String protocolName, int protocolLevel, String versionName) {
        this.protocolName = protocolName;
        this.protocolLevel = protocolLevel;
        this.versionName = versionName;
    }

    /** The version as its specification names it: "3.1", "3.1.1" or "5.0". */
    public String versionName() {
        return versionName;
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
