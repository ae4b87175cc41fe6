package dev.junction.server.mqtt;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class PahoBasicsTest {
    private MqttTestBroker broker;
    private Paho311Clients clients;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
        clients = new Paho311Clients(broker::uri);
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        broker.close();
    }

    record Received(String topic, MqttMessage message) {
    }

    private MqttClient connect(String clientId, BlockingQueue<Received> inbox) throws MqttException {
        MqttClient client = clients.client(clientId);
        client.setCallback(Paho311Clients.onMessage((topic, message) -> inbox.add(new Received(topic, message))));
        client.connect(Paho311Clients.guest(true));
        return client;
    }

    @ParameterizedTest(name = "QoS {0}")
    @ValueSource(ints = {0, 1, 2})
    void publishAndSubscribeAtEachQos(int qos) throws Exception {
        BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        MqttClient subscriber = connect("sub-" + qos, inbox);
        subscriber.subscribe("sensors/+/temperature", qos);
        MqttClient publisher = connect("pub-" + qos, new LinkedBlockingQueue<>());
        for (int i = 0; i < 10; i++) {
            publisher.publish("sensors/kitchen/temperature", ("t" + i).getBytes(StandardCharsets.UTF_8), qos, false);
        }
        for (int i = 0; i < 10; i++) {
            Received received = inbox.poll(5, TimeUnit.SECONDS);
            assertNotNull(received, "message " + i);
            assertEquals("sensors/kitchen/temperature", received.topic());
            assertEquals("t" + i, new String(received.message().getPayload(), StandardCharsets.UTF_8));
            assertEquals(qos, received.message().getQos());
            assertFalse(received.message().isRetained());
        }
    }
}
