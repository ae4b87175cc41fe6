package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HiveMqClientTest {
    private MqttTestBroker broker;
    private final List<Mqtt3BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
    }

    @AfterEach
    void stop() throws Exception {
        for (Mqtt3BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        }
        broker.close();
    }

    private Mqtt3BlockingClient client(String clientId) {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        clients.add(client);
        return client;
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void publishAndSubscribeAtEachQos(MqttQos qos) throws InterruptedException {
        Mqtt3BlockingClient subscriber = client("hive-sub");
        subscriber.connectWith().simpleAuth().username("guest").password("guest".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        // The publish flow is registered before subscribing: the client drops messages that arrive without one.
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("plant/#").qos(qos).send();
            Mqtt3BlockingClient publisher = client("hive-pub");
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
        Mqtt3BlockingClient client = client("hive-persistent");
        Mqtt3ConnAck first = client.connectWith().cleanSession(false).send();
        assertFalse(first.isSessionPresent());
        client.subscribeWith().topicFilter("x").qos(MqttQos.AT_LEAST_ONCE).send();
        client.disconnect();
        Mqtt3ConnAck second = client.connectWith().cleanSession(false).send();
        assertTrue(second.isSessionPresent());
    }
}
