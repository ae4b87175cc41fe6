package dev.junction.server.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** MQTT 5 PUBLISH properties and acknowledgement reason codes with Eclipse Paho's MQTT v5 client. */
class Mqtt5PahoPublishTest {
    private MqttTestBroker broker;
    private PahoV5Clients clients;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
        clients = new PahoV5Clients(broker.uri());
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        broker.close();
    }

    private MqttClient connect(String clientId) throws Exception {
        MqttClient client = clients.client(clientId);
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("guest");
        options.setPassword("guest".getBytes(StandardCharsets.UTF_8));
        client.connect(options);
        return client;
    }

    @Test
    void propertiesReachAPahoSubscriberAndPubAckSaysWhenNobodyListens() throws Exception {
        MqttClient publisher = connect("paho5-pub");
        MqttMessage lonely = new MqttMessage("x".getBytes(StandardCharsets.UTF_8), 1, false, new MqttProperties());
        IMqttToken token = publisher.getTopic("paho5/nobody").publish(lonely);
        token.waitForCompletion(20_000);
        assertArrayEquals(new int[]{0x10}, token.getReasonCodes(), "PUBACK: No matching subscribers");

        MqttClient subscriber = connect("paho5-sub");
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        // Paho 1.2.5's subscribe(String, int, listener) calls itself forever; the array form works.
        subscriber.subscribe(new MqttSubscription[]{new MqttSubscription("paho5/#", 1)},
                new IMqttMessageListener[]{(topic, message) -> received.add(message)}).waitForCompletion(20_000);

        MqttProperties properties = new MqttProperties();
        properties.setResponseTopic("paho5/replies");
        properties.setCorrelationData(new byte[]{1, 2, 3});
        properties.setContentType("text/plain");
        properties.setUserProperties(List.of(new UserProperty("k", "1"), new UserProperty("j", "2"),
                new UserProperty("k", "3")));
        publisher.publish("paho5/request", new MqttMessage("ping".getBytes(StandardCharsets.UTF_8), 1, false,
                properties));

        MqttMessage message = received.poll(20, TimeUnit.SECONDS);
        assertNotNull(message, "delivered within 20 s");
        MqttProperties got = message.getProperties();
        assertEquals("paho5/replies", got.getResponseTopic());
        assertArrayEquals(new byte[]{1, 2, 3}, got.getCorrelationData());
        assertEquals("text/plain", got.getContentType());
        assertEquals(List.of("k=1", "j=2", "k=3"), got.getUserProperties().stream()
                .map(p -> p.getKey() + "=" + p.getValue()).toList());
    }
}
