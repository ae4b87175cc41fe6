package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.Unsubscribe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Section 4.7's topic rules at the socket: the codec reads names and filters as strings, the handler applies the
 * core's rules, and a packet that breaks them ends the connection as a malformed one does (these inputs were the
 * codec's to refuse before).
 */
class TopicSyntaxOverSocketTest {
    private static MqttTestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = new MqttTestBroker();
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    private static RawMqttClient connected(String clientId) throws Exception {
        RawMqttClient client = new RawMqttClient(broker.port());
        client.connect(clientId, true);
        return client;
    }

    /** [MQTT-3.3.2-2] no wildcard in a topic name; [MQTT-4.7.3-1] not empty. */
    @ParameterizedTest(name = "PUBLISH to \"{0}\"")
    @ValueSource(strings = {"a/+", "#", "a#", ""})
    void aPublishToAnInvalidTopicNameClosesTheConnection(String topic) throws Exception {
        try (RawMqttClient client = connected("bad-publish")) {
            client.send(RawMqttClient.publish(topic, 1, 1, false, "x"));
            client.assertClosedByServer();
        }
    }

    /** [MQTT-4.7.1-2] '#' only as the whole last level, [MQTT-4.7.1-3] '+' only as a whole level, [MQTT-4.7.3-1]. */
    @ParameterizedTest(name = "SUBSCRIBE to \"{0}\"")
    @ValueSource(strings = {"a/#/b", "a#", "a/b+", "", "++"})
    void aSubscribeWithAnInvalidFilterClosesTheConnection(String filter) throws Exception {
        try (RawMqttClient client = connected("bad-subscribe")) {
            client.send(new Subscribe(1, List.of(new Subscribe.Subscription("ok/#", MqttQos.AT_MOST_ONCE),
                    new Subscribe.Subscription(filter, MqttQos.AT_MOST_ONCE))));
            client.assertClosedByServer();
        }
    }

    @ParameterizedTest(name = "UNSUBSCRIBE from \"{0}\"")
    @ValueSource(strings = {"++", "a/#/b", ""})
    void anUnsubscribeWithAnInvalidFilterClosesTheConnection(String filter) throws Exception {
        try (RawMqttClient client = connected("bad-unsubscribe")) {
            client.send(new Unsubscribe(1, List.of("a", filter)));
            client.assertClosedByServer();
        }
    }

    @ParameterizedTest(name = "will topic \"{0}\"")
    @ValueSource(strings = {"w/#", "w/+", ""})
    void aConnectWithAnInvalidWillTopicIsClosedWithoutConnAck(String topic) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(RawMqttClient.connectPacket("bad-will", true, 0,
                    new Connect.Will(topic, new byte[] {1}, MqttQos.AT_MOST_ONCE, false)));
            client.assertClosedByServer();
        }
    }

    @Test
    void starAndDotAreOrdinaryCharactersOfNamesAndFilters() throws Exception {
        try (RawMqttClient client = connected("ordinary")) {
            client.send(new Subscribe(1, List.of(new Subscribe.Subscription("s/*", MqttQos.AT_LEAST_ONCE),
                    new Subscribe.Subscription("a.b/x*y", MqttQos.AT_LEAST_ONCE))));
            assertEquals(2, client.read(SubAck.class).returnCodes().size());
            client.send(RawMqttClient.publish("s/*", 0, 0, false, "star"));
            assertEquals("s/*", client.readPublish().topic());
        }
    }
}
