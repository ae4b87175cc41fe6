package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HiveMQ's client, MQTT 3.1.1 and MQTT 5: connect, subscribe and publish at each QoS, a resumed session. */
class HiveMqClientTest {
    private MqttTestBroker broker;
    private HiveMqClients clients;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
        clients = new HiveMqClients(broker::port);
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        broker.close();
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void publishAndSubscribeAtEachQos(MqttQos qos) throws InterruptedException {
        Mqtt3BlockingClient subscriber = clients.v3("hive-sub");
        subscriber.connectWith().simpleAuth().username("guest").password("guest".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        // The publish flow is registered before subscribing: the client drops messages that arrive without one.
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("plant/#").qos(qos).send();
            Mqtt3BlockingClient publisher = clients.v3("hive-pub");
            publisher.connect();
            for (int i = 0; i < 5; i++) {
                publisher.publishWith().topic("plant/line" + i).qos(qos)
                        .payload(("v" + i).getBytes(StandardCharsets.UTF_8)).send();
            }
            for (int i = 0; i < 5; i++) {
                Optional<Mqtt3Publish> received = publishes.receive(5, TimeUnit.SECONDS);
                assertTrue(received.isPresent(), "message " + i);
                assertEquals("plant/line" + i, received.get().getTopic().toString());
                assertEquals(qos, received.get().getQos());
                assertEquals("v" + i, new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void persistentSessionIsPresentOnReconnect() {
        Mqtt3BlockingClient client = clients.v3("hive-persistent");
        Mqtt3ConnAck first = client.connectWith().cleanSession(false).send();
        assertFalse(first.isSessionPresent());
        client.subscribeWith().topicFilter("x").qos(MqttQos.AT_LEAST_ONCE).send();
        client.disconnect();
        Mqtt3ConnAck second = client.connectWith().cleanSession(false).send();
        assertTrue(second.isSessionPresent());
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void mqtt5PublishAndSubscribeAtEachQos(MqttQos qos) throws InterruptedException {
        Mqtt5BlockingClient subscriber = clients.v5("v5-sub");
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("plant/#").qos(qos).send();
            Mqtt5BlockingClient publisher = clients.v5("v5-pub");
            publisher.connect();
            for (int i = 0; i < 5; i++) {
                publisher.publishWith().topic("plant/line" + i).qos(qos)
                        .payload(("v" + i).getBytes(StandardCharsets.UTF_8)).send();
            }
            for (int i = 0; i < 5; i++) {
                Optional<Mqtt5Publish> received = publishes.receive(20, TimeUnit.SECONDS);
                assertTrue(received.isPresent(), "message " + i);
                assertEquals("plant/line" + i, received.get().getTopic().toString());
                assertEquals(qos, received.get().getQos());
                assertEquals("v" + i, new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
            }
        }
    }
}
