package dev.junction.server;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each resource alarm set off at start-up by a limit no machine meets: {@code storage.disk_free_limit} above the free
 * space of any filesystem, {@code memory.high_watermark} below any heap in use. Publishers are held back.
 */
class ResourceAlarmTest {
    enum Alarm {
        DISK(config -> config.with(ConfigKeys.STORAGE_DISK_FREE_LIMIT, Long.MAX_VALUE), "storage.disk_free_limit"),
        MEMORY(config -> config.with(ConfigKeys.MEMORY_HIGH_WATERMARK, 1e-9), "memory.high_watermark");

        final UnaryOperator<Config> trigger;
        final String reasonNames;

        Alarm(UnaryOperator<Config> trigger, String reasonNames) {
            this.trigger = trigger;
            this.reasonNames = reasonNames;
        }
    }

    @TempDir
    Path dataDir;
    private JunctionServer server;

    private void start(Alarm alarm) throws Exception {
        server = JunctionServer.start(alarm.trigger.apply(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Alarm.class)
    void anAmqpPublisherIsToldItIsBlockedWithTheReason(Alarm alarm) throws Exception {
        start(alarm);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        factory.setAutomaticRecoveryEnabled(false);
        CompletableFuture<String> blocked = new CompletableFuture<>();
        Connection connection = factory.newConnection();
        try {
            connection.addBlockedListener(new BlockedListener() {
                @Override
                public void handleBlocked(String reason) {
                    blocked.complete(reason);
                }

                @Override
                public void handleUnblocked() {
                }
            });
            Channel channel = connection.createChannel();
            channel.basicPublish("", "nowhere", MessageProperties.PERSISTENT_BASIC,
                    "x".getBytes(StandardCharsets.UTF_8));
            String reason = blocked.get(10, TimeUnit.SECONDS);
            assertTrue(reason.contains(alarm.reasonNames), reason);
        } finally {
            // A blocked connection is not read, so connection.close would never be answered.
            connection.abort(1000);
        }
    }

    @ParameterizedTest
    @EnumSource(Alarm.class)
    void anMqttPublisherIsNoLongerReadAfterItsFirstPublish(Alarm alarm) throws Exception {
        start(alarm);
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + server.port(Protocol.MQTT), "alarmed",
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        try {
            client.connect(options).waitForCompletion(10_000);
            // Read before the connection is known as a publisher's.
            client.publish("alarm/first", new byte[]{1}, 1, false).waitForCompletion(10_000);
            IMqttDeliveryToken held = client.publish("alarm/second", new byte[]{2}, 1, false);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !held.isComplete());
        } finally {
            client.disconnectForcibly(0, 1000, false);
            client.close(true);
        }
    }
}
