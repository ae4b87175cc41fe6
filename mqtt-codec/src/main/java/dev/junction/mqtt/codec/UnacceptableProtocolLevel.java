package dev.junction.mqtt.codec;

import java.util.Objects;

/**
 * A CONNECT with a known protocol name but a level this server does not speak. The handler must answer with
 * CONNACK {@link ConnectReturnCode#UNACCEPTABLE_PROTOCOL_VERSION} and then close the connection [MQTT-3.1.2-2];
 * the decoder ignores all further input.
 */
public record UnacceptableProtocolLevel(String protocolName, int protocolLevel) implements MqttInbound {
    public UnacceptableProtocolLevel {
        Objects.requireNonNull(protocolName, "protocolName");
    }
}
