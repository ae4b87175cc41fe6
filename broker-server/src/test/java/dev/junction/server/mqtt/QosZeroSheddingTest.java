package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.mqtt.codec.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A QoS 0 publisher far ahead of a connected QoS 0 subscriber that reads slowly: with mqtt.slow_subscriber = hold
 * nothing is dropped; with drop, what the session queue's bound sheds is counted, exactly.
 */
class QosZeroSheddingTest {
    private static final int MESSAGES = 20_000;
    /** About 1 KiB each, so that the subscriber's socket buffers fill and the session queue builds up. */
    private static final String PADDING = "x".repeat(1000);
    private static final int BOUND = 200;

    private MqttTestBroker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();
    /** One thread per publisher: a held publisher blocks in its socket write. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        threads.shutdownNow();
        for (RawMqttClient client : clients) {
            client.close();
        }
        broker.close();
    }

    @Test
    void withHoldEveryQos0MessageReachesASlowConnectedSubscriber() throws Exception {
        broker = new MqttTestBroker(MqttSettings.DEFAULTS.withLimits(32, BOUND));
        RawMqttClient subscriber = subscriber("z");
        CompletableFuture<Void> publishing = publishAll("fast", "z", MESSAGES);
        // The subscriber reads nothing until its queue has reached the mark that holds the publisher back.
        await().atMost(30, TimeUnit.SECONDS).until(() -> sessionQueueReady() >= BOUND / 2);

        for (int i = 0; i < MESSAGES; i++) {
            assertEquals(i, index(subscriber.readPublish().payload()), "the next message without a gap");
        }
        publishing.get(30, TimeUnit.SECONDS);
        assertEquals(0, broker.mqtt.dropped(MqttDropReason.QUEUE_FULL));
    }

    @Test
    void withHoldManyQos0PublishersIntoOneWildcardSubscriberLoseNothing() throws Exception {
        broker = new MqttTestBroker(MqttSettings.DEFAULTS.withLimits(32, BOUND));
        RawMqttClient subscriber = subscriber("z/#");
        int publishers = 20;
        int each = MESSAGES / publishers;
        List<CompletableFuture<Void>> publishing = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            publishing.add(publishAll("fast-" + p, "z/" + p, each));
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> sessionQueueReady() >= BOUND / 2);

        int[] next = new int[publishers];
        for (int i = 0; i < publishers * each; i++) {
            RawMqttClient.Received message = subscriber.readPublish();
            int publisher = Integer.parseInt(message.topic().substring(2));
            assertEquals(next[publisher]++, index(message.payload()), "publisher " + publisher + " without a gap");
        }
        for (CompletableFuture<Void> done : publishing) {
            done.get(30, TimeUnit.SECONDS);
        }
        assertEquals(0, broker.mqtt.dropped(MqttDropReason.QUEUE_FULL));
    }

    @Test
    void withDropWhatTheBoundShedsIsCountedExactly() throws Exception {
        broker = new MqttTestBroker(MqttSettings.from(Config.defaults()
                        .with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, BOUND)
                        .with(ConfigKeys.MQTT_SLOW_SUBSCRIBER, ConfigKeys.MQTT_SLOW_SUBSCRIBER.parse("drop")))
                .withTimeouts(Duration.ofSeconds(10), Duration.ofMillis(200)));
        RawMqttClient subscriber = subscriber("z");
        publishAll("fast", "z", MESSAGES).get(60, TimeUnit.SECONDS);

        int received = 0;
        int last;
        do {
            last = index(subscriber.readPublish().payload());
            received++;
        } while (last != MESSAGES - 1);
        int lost = MESSAGES - received;
        assertTrue(lost > 0, "the bound of " + BOUND + " shed messages");
        await().atMost(30, TimeUnit.SECONDS).untilAsserted(
                () -> assertEquals(lost, broker.mqtt.dropped(MqttDropReason.QUEUE_FULL), "counted drops"));
        assertEquals(lost, broker.core.virtualHost("/").queue("mqtt-subscription-slow").droppedCount());

        RawMqttClient monitor = client();
        monitor.connect("monitor", true);
        monitor.send(new Subscribe(1, List.of(
                new Subscribe.Subscription("$SYS/broker/messages/dropped/queue_full", MqttQos.AT_MOST_ONCE))));
        monitor.read(SubAck.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String shown;
        do {
            shown = monitor.readPublish().payload();
        } while (!shown.equals(String.valueOf(lost)) && System.nanoTime() < deadline);
        assertEquals(String.valueOf(lost), shown, "$SYS/broker/messages/dropped/queue_full");
    }

    private RawMqttClient subscriber(String filter) throws IOException {
        RawMqttClient subscriber = client();
        subscriber.connect("slow", true);
        subscriber.send(new Subscribe(1, List.of(new Subscribe.Subscription(filter, MqttQos.AT_MOST_ONCE))));
        subscriber.read(SubAck.class);
        return subscriber;
    }

    /** On another thread, since a held publisher's writes block once its socket buffers are full. */
    private CompletableFuture<Void> publishAll(String clientId, String topic, int count) throws IOException {
        RawMqttClient publisher = client();
        publisher.connect(clientId, true);
        return CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < count; i += 100) {
                    Publish[] batch = new Publish[Math.min(100, count - i)];
                    for (int j = 0; j < batch.length; j++) {
                        batch[j] = publish(topic, 0, 0, false, (i + j) + PADDING);
                    }
                    publisher.send(batch);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, threads);
    }

    private static int index(String payload) {
        return Integer.parseInt(payload.substring(0, payload.length() - PADDING.length()));
    }

    private int sessionQueueReady() {
        var queue = broker.core.virtualHost("/").queue("mqtt-subscription-slow");
        return queue == null ? 0 : queue.readyCount();
    }

    private RawMqttClient client() throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        return client;
    }
}
