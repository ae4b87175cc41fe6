package dev.junction.mqtt.codec;

/** The protocol name and level pairs this server accepts in CONNECT. */
public enum MqttProtocolVersion {
    /** MQTT 3.1, still sent by older clients. */
    MQTT_3_1("MQIsdp", 3),
    MQTT_3_1_1("MQTT", 4);

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

    /** @return the version using this protocol name, or {@code null} if no version does */
    static MqttProtocolVersion ofName(String protocolName) {
        for (MqttProtocolVersion version : values()) {
            if (version.protocolName.equals(protocolName)) {
                return version;
            }
        }
        return null;
    }
}
