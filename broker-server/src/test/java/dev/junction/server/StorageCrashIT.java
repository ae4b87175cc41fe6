package dev.junction.server;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar, killed while a publisher streams persistent messages with confirms (AMQP) or QoS 1 (MQTT), then
 * restarted on the same data directory: every confirmed or PUBACKed message must be there, once, in publish order.
 */
class StorageCrashIT {
    private static final String QUEUE = "crash-test";
    private static final int CONFIRMED_BEFORE_KILL = 3000;
    private static final int PUBACKED_BEFORE_KILL = 1000;
    private static final int WINDOW = 90;
    private static final int OFFLINE_MESSAGES = 200;

    @TempDir
    Path workDir;
    private int amqpPort;
    private int mqttPort;

    @BeforeEach
    void choosePorts() throws Exception {
        amqpPort = Wire.freePort();
        mqttPort = Wire.freePort();
    }

    private BrokerProcess startBroker() throws Exception {
        BrokerProcess broker = BrokerProcess.start(workDir, "--set", "bind=127.0.0.1", "--set", "mqtt.port=" + mqttPort,
                "--set", "http.port=0", "--set", "amqp.port=" + amqpPort, "--set", "storage.fsync=always",
                "--set", "storage.segment_size=1048576");
        broker.awaitLine("Listening for AMQP 0-9-1 on 127.0.0.1:" + amqpPort);
        broker.awaitLine("Listening for MQTT 3.1.1/5.0 on 127.0.0.1:" + mqttPort);
        return broker;
    }

    private Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(amqpPort);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection();
    }

    @Test
    void everyConfirmedMessageSurvivesKillMinus9ExactlyOnceInOrder() throws Exception {
        ConcurrentSkipListSet<Long> confirmed = new ConcurrentSkipListSet<>();
        try (BrokerProcess broker = startBroker()) {
            Connection connection = connect();
            Channel channel = connection.createChannel();
            channel.queueDeclare(QUEUE, true, false, false, null);
            channel.confirmSelect();
            AtomicLong firstUnconfirmed = new AtomicLong(1);
            channel.addConfirmListener((tag, multiple) -> {
                if (multiple) {
                    for (long t = firstUnconfirmed.get(); t <= tag; t++) {
                        confirmed.add(t);
                    }
                    firstUnconfirmed.set(tag + 1);
                } else {
                    confirmed.add(tag);
                }
            }, (tag, multiple) -> {
            });
            Thread publisher = new Thread(() -> {
                try {
                    for (long sequence = 1; ; sequence++) {
                        channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC,
                                Long.toString(sequence).getBytes(StandardCharsets.UTF_8));
                    }
                } catch (Exception | Error stopped) {
                    // The broker was killed under it.
                }
            }, "crash-publisher");
            publisher.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> confirmed.size() >= CONFIRMED_BEFORE_KILL);
            ProcessHandle.of(broker.pid()).orElseThrow().destroyForcibly();
            broker.awaitExit(Duration.ofSeconds(10));
            publisher.join(10_000);
            connection.abort();
        }
        List<Long> recovered = restartAndDrain();
        assertExactlyOnceInOrder(confirmed, recovered);
    }

    @Test
    void everyConfirmedMessageSurvivesSigterm() throws Exception {
        ConcurrentSkipListSet<Long> confirmed = new ConcurrentSkipListSet<>();
        try (BrokerProcess broker = startBroker()) {
            try (Connection connection = connect()) {
                Channel channel = connection.createChannel();
                channel.queueDeclare(QUEUE, true, false, false, null);
                channel.confirmSelect();
                for (long sequence = 1; sequence <= 2000; sequence++) {
                    channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC,
                            Long.toString(sequence).getBytes(StandardCharsets.UTF_8));
                    confirmed.add(sequence);
                }
                channel.waitForConfirmsOrDie(30_000);
            }
            broker.terminate();
            assertEquals(0, broker.awaitExit(Duration.ofSeconds(30)));
        }
        List<Long> recovered = restartAndDrain();
        assertEquals(new ArrayList<>(confirmed), recovered);
    }

    @Test
    void everyPubackedMqttMessageSurvivesKillMinus9InADurableAmqpQueue() throws Exception {
        ConcurrentSkipListSet<Long> acknowledged = new ConcurrentSkipListSet<>();
        try (BrokerProcess broker = startBroker()) {
            try (Connection connection = connect()) {
                Channel channel = connection.createChannel();
                channel.queueDeclare(QUEUE, true, false, false, null);
                channel.queueBind(QUEUE, "amq.topic", "crash.#");
            }
            MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + mqttPort, "crash-publisher",
                    new MemoryPersistence());
            MqttConnectOptions options = mqttOptions(true);
            options.setMaxInflight(WINDOW + 10);
            client.connect(options).waitForCompletion(10_000);
            Semaphore window = new Semaphore(WINDOW);
            IMqttActionListener onPuback = new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    acknowledged.add((Long) token.getUserContext());
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable failure) {
                    window.release();
                }
            };
            Thread publisher = new Thread(() -> {
                try {
                    for (long sequence = 1; ; sequence++) {
                        window.acquire();
                        client.publish("crash/mqtt", Long.toString(sequence).getBytes(StandardCharsets.UTF_8), 1,
                                false, sequence, onPuback);
                    }
                } catch (Exception | Error stopped) {
                    // The broker was killed under it.
                }
            }, "crash-mqtt-publisher");
            publisher.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= PUBACKED_BEFORE_KILL);
            ProcessHandle.of(broker.pid()).orElseThrow().destroyForcibly();
            broker.awaitExit(Duration.ofSeconds(10));
            publisher.interrupt();
            publisher.join(10_000);
            client.disconnectForcibly(0, 0, false);
            client.close(true);
        }
        List<Long> recovered = restartAndDrain();
        assertExactlyOnceInOrder(acknowledged, recovered);
    }

    @Test
    void aPersistentMqttSessionItsQueuedMessagesAndRetainedMessagesSurviveKillMinus9() throws Exception {
        String uri = "tcp://127.0.0.1:" + mqttPort;
        try (BrokerProcess broker = startBroker()) {
            MqttClient subscriber = new MqttClient(uri, "crash-subscriber", new MemoryPersistence());
            subscriber.connect(mqttOptions(false));
            subscriber.subscribe("queued/#", 1);
            subscriber.disconnect();
            subscriber.close();
            MqttClient publisher = new MqttClient(uri, "crash-session-publisher", new MemoryPersistence());
            publisher.connect(mqttOptions(true));
            for (int i = 1; i <= OFFLINE_MESSAGES; i++) {
                publisher.publish("queued/" + i, Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            publisher.publish("retained/last", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
            ProcessHandle.of(broker.pid()).orElseThrow().destroyForcibly();
            broker.awaitExit(Duration.ofSeconds(10));
            publisher.disconnectForcibly(0, 0, false);
            publisher.close(true);
        }
        try (BrokerProcess broker = startBroker()) {
            List<String> received = new CopyOnWriteArrayList<>();
            MqttClient subscriber = new MqttClient(uri, "crash-subscriber", new MemoryPersistence());
            subscriber.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    received.add(topic + "=" + new String(message.getPayload(), StandardCharsets.UTF_8));
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            assertTrue(subscriber.connectWithResult(mqttOptions(false)).getSessionPresent(), "session present");
            List<String> expected = IntStream.rangeClosed(1, OFFLINE_MESSAGES).mapToObj(i -> "queued/" + i + "=" + i)
                    .toList();
            await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= OFFLINE_MESSAGES);
            assertEquals(expected, received);
            subscriber.subscribe("retained/#", 1);
            await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("retained/last=kept"));
            subscriber.disconnect();
            subscriber.close();
            assertTrue(broker.stdout().stream().noneMatch(line -> line.contains("LEAK")),
                    () -> "stdout: " + broker.stdout());
        }
    }

    private static MqttConnectOptions mqttOptions(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        options.setCleanSession(cleanSession);
        // Paho frees an in-flight slot a little after completing the publish's token, so a busy machine can see
        // "too many publishes in progress" with the default window of 10 even for one synchronous publish at a time.
        options.setMaxInflight(1000);
        return options;
    }

    /** Restarts on the same data directory and takes every message the queue holds. */
    private List<Long> restartAndDrain() throws Exception {
        List<Long> bodies = new ArrayList<>();
        try (BrokerProcess broker = startBroker(); Connection connection = connect()) {
            Channel channel = connection.createChannel();
            for (GetResponse response; (response = channel.basicGet(QUEUE, true)) != null; ) {
                AMQP.BasicProperties properties = response.getProps();
                assertEquals(2, properties.getDeliveryMode());
                assertTrue(response.getEnvelope().isRedeliver(), "recovered messages are marked redelivered");
                bodies.add(Long.parseLong(new String(response.getBody(), StandardCharsets.UTF_8)));
            }
            assertTrue(broker.stdout().stream().noneMatch(line -> line.contains("LEAK")),
                    () -> "stdout: " + broker.stdout());
        }
        return bodies;
    }

    private static void assertExactlyOnceInOrder(ConcurrentSkipListSet<Long> confirmed, List<Long> recovered) {
        for (int i = 1; i < recovered.size(); i++) {
            assertTrue(recovered.get(i) > recovered.get(i - 1),
                    "out of order or duplicated at " + i + ": " + recovered.get(i - 1) + " then " + recovered.get(i));
        }
        Set<Long> present = new HashSet<>(recovered);
        List<Long> missing = confirmed.stream().filter(sequence -> !present.contains(sequence)).limit(10).toList();
        assertEquals(List.of(), missing, "confirmed but lost (first ten); " + confirmed.size() + " confirmed, "
                + recovered.size() + " recovered");
    }
}
