package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.ReasonCode;

import java.time.Duration;
import java.util.UUID;

/**
 * What the broker grants an accepted CONNECT: the client identifier (assigned when the client sent none), how long
 * the session outlives the connection and the keep alive the client is held to; and for an MQTT 5 client, the
 * CONNACK properties that tell it so, with what the broker supports and allows (section 3.2.2.3).
 *
 * @param sessionExpiry    how long the session is kept after the connection ends; zero: it ends with it
 * @param keepAliveSeconds the keep alive the connection is held to; 0: none
 */
record ConnectTerms(String clientId, Duration sessionExpiry, int keepAliveSeconds, MqttProperties connAckProperties) {

    static ConnectTerms of(Connect connect, MqttSettings settings) {
        boolean assigned = connect.clientId().isEmpty();
        // [MQTT-3.1.3-6] a unique identifier; Junction's prefix keeps it apart from the clients' own.
        String clientId = assigned ? "junction-" + UUID.randomUUID() : connect.clientId();
        Duration expiry = SessionExpiry.granted(connect, settings.sessionExpiry());
        int keepAlive = keepAlive(connect, settings.mqtt5().maxKeepAlive());
        if (!connect.version().isMqtt5()) {
            return new ConnectTerms(clientId, expiry, keepAlive, MqttProperties.NONE);
        }
        MqttSettings.Mqtt5Limits limits = settings.mqtt5();
        MqttProperties.Builder properties = MqttProperties.builder()
                .receiveMaximum(limits.receiveMaximum())
                .maximumPacketSize(settings.maxPacketSize())
                .retainAvailable(true)
                .wildcardSubscriptionAvailable(true)
                .subscriptionIdentifiersAvailable(true)
                .sharedSubscriptionAvailable(true);
        // Maximum QoS is left out: every QoS is supported, and absent means 2 (section 3.2.2.3.4).
        if (limits.topicAliasMaximum() > 0) {
            properties.topicAliasMaximum(limits.topicAliasMaximum());
        }
        if (assigned) {
            properties.assignedClientIdentifier(clientId); // [MQTT-3.2.2-16]
        }
        if (!expiry.equals(Duration.ofSeconds(SessionExpiry.requestedSeconds(connect)))) {
            // Section 3.2.2.3.2: otherwise the client's own interval stands.
            properties.sessionExpiryInterval(SessionExpiry.announcedSeconds(expiry));
        }
        if (keepAlive != connect.keepAliveSeconds()) {
            properties.serverKeepAlive(keepAlive); // the client uses it [MQTT-3.2.2-21], and so does the broker
        }
        return new ConnectTerms(clientId, expiry, keepAlive, properties.build());
    }

    /**
     * An MQTT 5 client is held to {@code mqtt.max_keep_alive} when it asks for more, or for none, as Mosquitto's
     * {@code max_keepalive} does; a 3.1.1 client cannot be told, so keeps its own.
     */
    private static int keepAlive(Connect connect, int max) {
        int asked = connect.keepAliveSeconds();
        if (!connect.version().isMqtt5() || max == 0) {
            return asked;
        }
        return asked == 0 || asked > max ? max : asked;
    }

    ConnAck accepted(boolean sessionPresent) {
        return new ConnAck(sessionPresent, ReasonCode.SUCCESS, connAckProperties);
    }
}
