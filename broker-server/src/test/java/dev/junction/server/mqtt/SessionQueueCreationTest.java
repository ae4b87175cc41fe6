package dev.junction.server.mqtt;

import dev.junction.core.queue.Queue;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.SubAckReturnCode;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.UnsubAck;
import dev.junction.mqtt.codec.Unsubscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a session's core queue exists: a clean session declares it on its first SUBSCRIBE (nothing can be routed to
 * it before), a persistent one at CONNECT, so that what matches its subscriptions is kept while it is offline.
 */
class SessionQueueCreationTest {
    private MqttTestBroker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
    }

    @AfterEach
    void stop() throws Exception {
        for (RawMqttClient client : clients) {
            client.close();
        }
        broker.close();
    }

    private RawMqttClient connected(String clientId, boolean cleanSession) throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        client.connect(clientId, cleanSession);
        return client;
    }

    private static void subscribe(RawMqttClient client, int packetId, String filter, int qos) throws IOException {
        client.send(new Subscribe(packetId, List.of(new Subscribe.Subscription(filter, MqttQos.of(qos)))));
        SubAck ack = client.read(SubAck.class);
        assertEquals(packetId, ack.packetId());
        assertEquals(List.of(SubAckReturnCode.granted(MqttQos.of(qos))), ack.returnCodes());
    }

    private Queue sessionQueue(String clientId) {
        return broker.core.virtualHost("/").queue(MqttSession.queueName(clientId));
    }

    @Test
    void aCleanSessionHasNoQueueUntilItSubscribesAndThenReceivesWhatIsPublishedRightAfterTheSubAck()
            throws Exception {
        RawMqttClient subscriber = connected("lazy", true);
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("t", 1, 1, false, "before"));
        publisher.read(PubAck.class);
        assertNull(sessionQueue("lazy"), "a clean session without subscriptions has no queue");

        subscribe(subscriber, 1, "t", 1);
        assertNotNull(sessionQueue("lazy"));
        // The SUBACK promises delivery of what follows; the queue's consumer may still be being attached.
        publisher.send(publish("t", 1, 2, false, "first"), publish("t", 0, 0, false, "second"));
        publisher.read(PubAck.class);
        RawMqttClient.Received first = subscriber.readPublish();
        assertEquals("first", first.payload());
        assertEquals(1, first.qos());
        subscriber.send(new PubAck(first.packetId()));
        assertEquals("second", subscriber.readPublish().payload());
    }

    @Test
    void aCleanSessionSubscribedOnlyToSysTopicsHasNoQueue() throws Exception {
        RawMqttClient watcher = connected("sys-only", true);
        subscribe(watcher, 1, "$SYS/#", 0);
        assertNull(sessionQueue("sys-only"));
    }

    @Test
    void aCleanSessionsQueueOutlivesUnsubscribingAndGoesWithTheConnection() throws Exception {
        RawMqttClient subscriber = connected("fickle", true);
        subscribe(subscriber, 1, "a", 0);
        subscriber.send(new Unsubscribe(2, List.of("a")));
        assertEquals(2, subscriber.read(UnsubAck.class).packetId());
        subscribe(subscriber, 3, "b", 0);
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("a", 0, 0, false, "unsubscribed"), publish("b", 0, 0, false, "subscribed"));
        assertEquals("subscribed", subscriber.readPublish().payload());

        subscriber.close();
        await().atMost(5, TimeUnit.SECONDS).until(() -> sessionQueue("fickle") == null);
    }

    @Test
    void aCleanSessionTakingOverOneWithAQueueDeclaresItsOwnOnSubscribe() throws Exception {
        RawMqttClient first = connected("device", true);
        subscribe(first, 1, "old", 0);
        RawMqttClient second = connected("device", true);
        first.assertClosedByServer();
        subscribe(second, 1, "new", 0);
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("old", 0, 0, false, "for the old session"), publish("new", 0, 0, false, "marker"));
        assertEquals("marker", second.readPublish().payload());
    }

    @Test
    void aPersistentSessionsQueueExistsFromConnectAndKeepsWhatMatchesWhileOffline() throws Exception {
        RawMqttClient subscriber = connected("keeper", false);
        assertNotNull(sessionQueue("keeper"), "a persistent session's queue exists from CONNECT");
        subscribe(subscriber, 1, "news", 1);
        subscriber.close();
        RawMqttClient publisher = connected("pub", true);
        publisher.send(publish("news", 1, 1, false, "while away"));
        publisher.read(PubAck.class);
        await().atMost(5, TimeUnit.SECONDS).until(() -> sessionQueue("keeper").readyCount() == 1);

        RawMqttClient back = new RawMqttClient(broker.port());
        clients.add(back);
        assertTrue(back.connect("keeper", false).sessionPresent());
        RawMqttClient.Received received = back.readPublish();
        assertEquals("while away", received.payload());
        assertFalse(received.dup());
    }
}
