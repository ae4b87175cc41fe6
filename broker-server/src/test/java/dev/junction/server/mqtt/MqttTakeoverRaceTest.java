package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * [MQTT-3.1.4-2] with CONNECTs for one client id arriving at once: every one is accepted, each earlier connection
 * is closed, one connection stays, and a persistent session's queue survives the scramble.
 */
class MqttTakeoverRaceTest {
    private static final String CLIENT_ID = "racer";
    private static final int PARALLEL = 16;
    private static final int ROUNDS = 8;

    private MqttTestBroker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(PARALLEL);

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
    }

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        for (RawMqttClient client : clients) {
            client.close();
        }
        broker.close();
    }

    @Test
    void parallelPersistentConnectsAreAllAcceptedAndKeepTheQueue() throws Exception {
        RawMqttClient subscriber = client();
        subscriber.connect(CLIENT_ID, false);
        subscriber.send(new Subscribe(1, List.of(new Subscribe.Subscription("race/q", MqttQos.AT_LEAST_ONCE))));
        subscriber.read(SubAck.class);
        subscriber.send(Disconnect.INSTANCE);
        subscriber.assertClosedByServer();
        await().atMost(30, TimeUnit.SECONDS).until(() -> broker.mqtt.clientsConnected() == 0);

        RawMqttClient publisher = client();
        publisher.connect("publisher", true);
        Set<String> sent = new HashSet<>();
        for (int i = 1; i <= 20; i++) {
            publisher.send(publish("race/q", 1, i, false, "m" + i));
            publisher.read(PubAck.class);
            sent.add("m" + i);
        }
        publisher.close();
        await().atMost(30, TimeUnit.SECONDS).until(() -> broker.mqtt.clientsConnected() == 0);

        for (int round = 0; round < ROUNDS; round++) {
            race(i -> false);
        }

        RawMqttClient back = client();
        ConnAck ack = back.connect(CLIENT_ID, false);
        assertTrue(ack.sessionPresent(), "the persistent session survived the takeovers");
        Set<String> received = new HashSet<>();
        while (received.size() < sent.size()) {
            RawMqttClient.Received message = back.readPublish();
            received.add(message.payload());
            back.send(new PubAck(message.packetId()));
        }
        assertEquals(sent, received, "every queued message is still there");
    }

    @Test
    void parallelConnectsWithAlternatingCleanFlagsAreAllAccepted() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            race(i -> i % 2 == 0);
        }
        for (RawMqttClient client : clients) {
            client.close();
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> broker.mqtt.clientsConnected() == 0);
        await().atMost(30, TimeUnit.SECONDS).until(() -> broker.mqtt.sessionCount() <= 1);
        assertTrue(broker.core.virtualHost("/").queues().size() <= 1, "no session queue is left behind");
    }

    /**
     * {@value #PARALLEL} connections send CONNECT for the same client id at once: each gets CONNACK 0, and once the
     * takeovers have run their course exactly one of them is still open.
     */
    private void race(IntPredicate cleanSession) throws Exception {
        List<RawMqttClient> racers = new ArrayList<>();
        for (int i = 0; i < PARALLEL; i++) {
            racers.add(client());
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> codes = new ArrayList<>();
        for (int i = 0; i < PARALLEL; i++) {
            RawMqttClient racer = racers.get(i);
            boolean clean = cleanSession.test(i);
            codes.add(threads.submit(() -> {
                go.await();
                racer.send(RawMqttClient.connectPacket(CLIENT_ID, clean, 0, null));
                return assertInstanceOf(ConnAck.class, racer.read()).returnCode().value();
            }));
        }
        go.countDown();
        for (Future<Integer> code : codes) {
            assertEquals(0, code.get(30, TimeUnit.SECONDS), "CONNACK return code");
        }
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(
                () -> assertEquals(1, broker.mqtt.clientsConnected(), "connections counted"));
        int open = 0;
        for (RawMqttClient racer : racers) {
            if (racer.answersPing()) {
                open++;
            }
        }
        assertEquals(1, open, "connections left open for one client id");
    }

    private RawMqttClient client() throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        return client;
    }
}
