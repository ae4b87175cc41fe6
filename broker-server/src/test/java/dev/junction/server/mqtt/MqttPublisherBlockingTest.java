package dev.junction.server.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** An alarm holds MQTT publishers back (they are no longer read) until it clears; other clients go on. */
class MqttPublisherBlockingTest {
    private MqttTestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        return options;
    }

    @Test
    void aHeldBackPublisherResumesWhenTheAlarmClears() throws Exception {
        MqttAsyncClient publisher = new MqttAsyncClient(broker.uri(), "held", new MemoryPersistence());
        MqttClient subscriber = new MqttClient(broker.uri(), "not-held", new MemoryPersistence());
        try {
            publisher.connect(options()).waitForCompletion(10_000);
            subscriber.connect(options());
            broker.mqtt.blockPublishers("test alarm");
            // Read, since the connection was not yet a publisher's; from then on it is not read.
            publisher.publish("blocking/first", new byte[]{1}, 1, false).waitForCompletion(10_000);
            IMqttDeliveryToken held = publisher.publish("blocking/second", new byte[]{2}, 1, false);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !held.isComplete());
            // A client that has not published is still read and answered.
            subscriber.subscribe("blocking/#", 1);

            broker.mqtt.unblockPublishers();
            held.waitForCompletion(10_000);
        } finally {
            subscriber.disconnectForcibly(0, 1000, false);
            subscriber.close(true);
            publisher.disconnectForcibly(0, 1000, false);
            publisher.close(true);
        }
    }
}
