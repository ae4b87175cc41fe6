package dev.junction.server;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
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
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real jar, killed while a publisher streams persistent messages with confirms, then restarted on the same
 * data directory: every confirmed message must be there, once, in publish order.
 */
class StorageCrashIT {
    private static final String QUEUE = "crash-test";
    private static final int CONFIRMED_BEFORE_KILL = 3000;

    @TempDir
    Path workDir;
    private int amqpPort;

    @BeforeEach
    void choosePort() throws Exception {
        amqpPort = Wire.freePort();
    }

    private BrokerProcess startBroker() throws Exception {
        BrokerProcess broker = BrokerProcess.start(workDir, "--set", "bind=127.0.0.1", "--set", "mqtt.port=0",
                "--set", "http.port=0", "--set", "amqp.port=" + amqpPort, "--set", "storage.fsync=always",
                "--set", "storage.segment_size=1048576");
        broker.awaitLine("Listening for AMQP 0-9-1 on 127.0.0.1:" + amqpPort);
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
