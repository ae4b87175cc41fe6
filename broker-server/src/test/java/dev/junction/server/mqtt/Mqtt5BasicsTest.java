package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An MQTT 5 client connects, subscribes and publishes at each QoS beside the 3.1.1 ones (HiveMQ's client). */
class Mqtt5BasicsTest {
    private MqttTestBroker broker;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
    }

    @AfterEach
    void stop() throws Exception {
        for (Mqtt5BlockingClient client : clients) {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        }
        broker.close();
    }

    private Mqtt5BlockingClient client(String clientId) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
        clients.add(client);
        return client;
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void publishAndSubscribeAtEachQos(MqttQos qos) throws InterruptedException {
        Mqtt5BlockingClient subscriber = client("v5-sub");
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("plant/#").qos(qos).send();
            Mqtt5BlockingClient publisher = client("v5-pub");
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
