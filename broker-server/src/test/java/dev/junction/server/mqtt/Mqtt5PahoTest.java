package dev.junction.server.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eclipse Paho's MQTT v5 Java client: connect, subscribe, publish at each QoS, a resumed session, a will, PUBLISH
 * properties and acknowledgement reason codes.
 */
class Mqtt5PahoTest {
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

    /** A message as the client saw it. */
    private record Received(String topic, String payload, int qos) {
    }

    private MqttClient client(String clientId, BlockingQueue<Received> received) throws MqttException {
        MqttClient client = clients.client(clientId);
        client.setCallback(PahoV5Clients.onMessage((topic, message) -> received.add(
                new Received(topic, new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos()))));
        return client;
    }

    private static MqttConnectionOptions options(boolean cleanStart) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("guest");
        options.setPassword("guest".getBytes(StandardCharsets.UTF_8));
        options.setCleanStart(cleanStart);
        options.setAutomaticReconnect(false);
        if (!cleanStart) {
            options.setSessionExpiryInterval(3600L);
        }
        return options;
    }

    private static MqttMessage message(String text, int qos) {
        MqttMessage message = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        return message;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void publishAndSubscribeAtEachQos(int qos) throws Exception {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = client("paho5-sub-" + qos, received);
        subscriber.connect(options(true));
        subscriber.subscribe("paho5/+", qos).waitForCompletion(20_000);
        MqttClient publisher = client("paho5-pub-" + qos, new LinkedBlockingQueue<>());
        publisher.connect(options(true));
        for (int i = 0; i < 3; i++) {
            publisher.publish("paho5/m" + i, message("v" + i, qos));
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(new Received("paho5/m" + i, "v" + i, qos), received.poll(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void aPersistentSessionIsResumedWithWhatArrivedMeanwhile() throws Exception {
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        MqttClient device = client("paho5-persistent", received);
        assertFalse(device.connectWithResult(options(false)).getSessionPresent());
        device.subscribe("resume/t", 1).waitForCompletion(20_000);
        device.disconnect();

        MqttClient publisher = client("paho5-resume-pub", new LinkedBlockingQueue<>());
        publisher.connect(options(true));
        publisher.publish("resume/t", message("while away", 1));

        assertTrue(device.connectWithResult(options(false)).getSessionPresent());
        assertEquals(new Received("resume/t", "while away", 1), received.poll(20, TimeUnit.SECONDS));
    }

    @Test
    void theWillIsPublishedWhenTheConnectionIsTakenOver() throws Exception {
        BlockingQueue<Received> wills = new LinkedBlockingQueue<>();
        MqttClient watcher = client("paho5-watcher", wills);
        watcher.connect(options(true));
        watcher.subscribe("wills/+", 1).waitForCompletion(20_000);

        MqttClient device = client("paho5-device", new LinkedBlockingQueue<>());
        MqttConnectionOptions withWill = options(true);
        withWill.setWill("wills/paho5-device", message("gone", 1));
        device.connect(withWill);
        // The same client id from elsewhere: the server closes the first connection, which did not DISCONNECT.
        client("paho5-device", new LinkedBlockingQueue<>()).connect(options(true));

        Received will = wills.poll(20, TimeUnit.SECONDS);
        assertNotNull(will, "the will was published");
        assertEquals(new Received("wills/paho5-device", "gone", 1), will);
    }

    @Test
    void propertiesReachAPahoSubscriberAndPubAckSaysWhenNobodyListens() throws Exception {
        MqttClient publisher = clients.client("paho5-pub");
        publisher.connect(options(true));
        MqttMessage lonely = new MqttMessage("x".getBytes(StandardCharsets.UTF_8), 1, false, new MqttProperties());
        IMqttToken token = publisher.getTopic("paho5/nobody").publish(lonely);
        token.waitForCompletion(20_000);
        assertArrayEquals(new int[]{0x10}, token.getReasonCodes(), "PUBACK: No matching subscribers");

        MqttClient subscriber = clients.client("paho5-sub");
        subscriber.connect(options(true));
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
