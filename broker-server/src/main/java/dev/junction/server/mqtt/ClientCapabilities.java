package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttDecoder;
import dev.junction.mqtt.codec.MqttProperties;

/**
 * What an MQTT 5 client declared in CONNECT about what it can take, with the specification's defaults applied to
 * what it left out (section 3.1.2.11). A 3.1.1 client declares nothing and gets the defaults, which change nothing:
 * no limit on what it is sent beyond the protocol's own, no topic aliases, no response information.
 *
 * @param receiveMaximum             QoS 1/2 PUBLISHes the broker may have unacknowledged towards the client
 * @param maximumPacketSize          the largest packet the client accepts, fixed header included
 * @param topicAliasMaximum          topic aliases the broker may set towards the client; 0: none
 * @param requestResponseInformation whether the client asked for Response Information in CONNACK
 * @param requestProblemInformation  whether reason strings and user properties may be sent beyond PUBLISH, CONNACK
 *                                   and DISCONNECT [MQTT-3.1.2-29]
 */
record ClientCapabilities(int receiveMaximum, long maximumPacketSize, int topicAliasMaximum,
                          boolean requestResponseInformation, boolean requestProblemInformation) {

    static final ClientCapabilities DEFAULTS =
            new ClientCapabilities(65535, MqttDecoder.PROTOCOL_MAX_PACKET_SIZE, 0, false, true);

    static ClientCapabilities of(Connect connect) {
        MqttProperties properties = connect.properties();
        return new ClientCapabilities(
                properties.receiveMaximum().orElse(DEFAULTS.receiveMaximum),
                properties.maximumPacketSize().orElse(DEFAULTS.maximumPacketSize),
                properties.topicAliasMaximum().orElse(DEFAULTS.topicAliasMaximum),
                properties.requestResponseInformation().orElse(DEFAULTS.requestResponseInformation),
                properties.requestProblemInformation().orElse(DEFAULTS.requestProblemInformation));
    }
}
