package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttProtocolVersion;
import java.util.Objects;

/**
 * How every load connection of a run speaks to the broker.
 *
 * @param version      the protocol level of CONNECT; MQTT 3.1.1 unless a run asks for MQTT 5
 * @param cleanSession the CONNECT flag (MQTT 5: Clean Start); false asks for persistent sessions, which the broker
 *                     keeps (with their stored messages) after the run, in MQTT 5 by the longest session expiry
 * @param topicAliases MQTT 5 only: publishers name each topic once and then send the alias alone, and subscribers
 *                     declare a Topic Alias Maximum so that the broker may do the same towards them
 */
record ClientOptions(MqttProtocolVersion version, boolean cleanSession, boolean topicAliases) {

    ClientOptions {
        Objects.requireNonNull(version, "version");
        if (topicAliases && !version.isMqtt5()) {
            throw new IllegalArgumentException("topic aliases need MQTT 5, not " + version);
        }
    }

    static ClientOptions mqtt311(boolean cleanSession) {
        return new ClientOptions(MqttProtocolVersion.MQTT_3_1_1, cleanSession, false);
    }

    static ClientOptions mqtt5(boolean cleanSession, boolean topicAliases) {
        return new ClientOptions(MqttProtocolVersion.MQTT_5, cleanSession, topicAliases);
    }
}
