package dev.junction.server;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** One message through the broker with each protocol's reference client, as a smoke test of a running daemon. */
final class RealClients {
    private RealClients() {
    }

    /** Paho subscribes at QoS 1, publishes to itself and receives the message. */
    static void mqttRoundTrip(int port) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "round-trip", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(5);
        client.connect(options);
        try {
            CompletableFuture<String> received = new CompletableFuture<>();
            client.subscribe("selftest/mqtt", 1, (topic, message) ->
                    received.complete(new String(message.getPayload(), StandardCharsets.UTF_8)));
            client.publish("selftest/mqtt", new MqttMessage("hello over MQTT".getBytes(StandardCharsets.UTF_8)));
            assertEquals("hello over MQTT", received.get(5, TimeUnit.SECONDS));
            client.disconnect();
        } finally {
            client.close();
        }
    }

    /** The RabbitMQ client publishes to a server-named queue and gets the message back. */
    static void amqpRoundTrip(int port) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setConnectionTimeout(5_000);
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            String queue = channel.queueDeclare().getQueue();
            channel.basicPublish("", queue, null, "hello over AMQP".getBytes(StandardCharsets.UTF_8));
            AtomicReference<GetResponse> got = new AtomicReference<>();
            await().atMost(5, TimeUnit.SECONDS).until(() -> {
                got.set(channel.basicGet(queue, true));
                return got.get() != null;
            });
            assertEquals("hello over AMQP", new String(got.get().getBody(), StandardCharsets.UTF_8));
        }
    }
}
