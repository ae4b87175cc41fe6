package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientCapabilitiesTest {

    @Test
    void aClientThatDeclaresNothingGetsTheSpecificationsDefaults() {
        Connect connect = new Connect(MqttProtocolVersion.MQTT_5, true, 60, "c", null, null, null,
                MqttProperties.NONE);
        assertEquals(new ClientCapabilities(65535, 268_435_460L, 0, false, true), ClientCapabilities.of(connect));
    }

    @Test
    void whatAClientDeclaresIsKept() {
        MqttProperties declared = MqttProperties.builder().receiveMaximum(5).maximumPacketSize(1024)
                .topicAliasMaximum(10).requestResponseInformation(true).requestProblemInformation(false).build();
        Connect connect = new Connect(MqttProtocolVersion.MQTT_5, true, 60, "c", null, null, null, declared);
        assertEquals(new ClientCapabilities(5, 1024, 10, true, false), ClientCapabilities.of(connect));
    }
}
