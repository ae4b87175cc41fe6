package dev.junction.server.mqtt;

import com.rabbitmq.client.Channel;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.UnsubAck;
import dev.junction.mqtt.codec.Unsubscribe;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * MQTT 5 Subscription Identifiers: kept with the subscription, carried by every PUBLISH it delivers (all of the
 * session's matching ones in one PUBLISH), replaced by a later SUBSCRIBE of the filter, gone with UNSUBSCRIBE, kept
 * across a restart by a persistent session, and on messages AMQP publishers send. Raw packets to see each PUBLISH
 * exactly; Eclipse Paho's v5 client for the AMQP case.
 */
class Mqtt5SubscriptionIdentifiersTest {
    @TempDir
    Path dataDir;
    private Mqtt5SubscribeServer server;

    @BeforeEach
    void start() throws Exception {
        server = new Mqtt5SubscribeServer(dataDir, config -> config);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private static Subscribe subscribe(int packetId, String filter, int qos, int identifier) {
        return new Subscribe(packetId, List.of(new Subscribe.Subscription(filter, MqttQos.of(qos))),
                identifier == 0 ? MqttProperties.NONE
                        : MqttProperties.builder().addSubscriptionIdentifier(identifier).build());
    }

    private static void subscribed(RawMqttClient client, Subscribe subscribe) throws Exception {
        client.send(subscribe);
        SubAck ack = client.read(SubAck.class);
        assertEquals(subscribe.packetId(), ack.packetId());
        assertEquals(ReasonCode.granted(subscribe.subscriptions().get(0).requestedQos()), ack.reasonCodes().get(0));
    }

    private static void publishQos0(RawMqttClient publisher, String topic, String payload) throws Exception {
        publisher.send(new Publish(topic, MqttQos.AT_MOST_ONCE, false, false, 0, RawMqttClient.payload(payload)));
    }

    /** The next PUBLISH: its payload and the set of its subscription identifiers (their order is not significant). */
    private static Object[] next(RawMqttClient client) throws Exception {
        Publish publish = client.read(Publish.class);
        try {
            return new Object[]{publish.payload().toString(StandardCharsets.UTF_8),
                    Set.copyOf(publish.properties().subscriptionIdentifiers())};
        } finally {
            publish.release();
        }
    }

    private static void assertNext(RawMqttClient client, String payload, Set<Integer> identifiers, String why)
            throws Exception {
        Object[] received = next(client);
        assertEquals(List.of(payload, identifiers), List.of(received[0], received[1]), why);
    }

    @Test
    void overlappingSubscriptionsGiveOnePublishWithAllTheirIdentifiers() throws Exception {
        RawMqttClient subscriber = server.raw("ids");
        RawMqttClient publisher = server.raw("ids-pub");
        subscribed(subscriber, subscribe(1, "id/#", 0, 7));
        subscribed(subscriber, subscribe(2, "id/+/x", 0, 9));
        subscribed(subscriber, subscribe(3, "id/a/+", 0, 0));

        publishQos0(publisher, "id/a/x", "all-three");
        assertNext(subscriber, "all-three", Set.of(7, 9), "one PUBLISH, both identifiers [MQTT-3.3.4-3, MQTT-3.3.4-4]");
        publishQos0(publisher, "id/b", "one");
        assertNext(subscriber, "one", Set.of(7), "only the matching subscription's");
        publishQos0(publisher, "id/a/y", "id-a-plus");
        assertNext(subscriber, "id-a-plus", Set.of(7), "id/a/+ matches as well, without an identifier to add");

        subscribed(subscriber, subscribe(4, "id/#", 0, 11));
        publishQos0(publisher, "id/b", "replaced");
        assertNext(subscriber, "replaced", Set.of(11), "a later SUBSCRIBE of the filter replaces the identifier");
        subscribed(subscriber, subscribe(5, "id/#", 0, 0));
        publishQos0(publisher, "id/b", "dropped");
        assertNext(subscriber, "dropped", Set.of(), "and one without an identifier takes it away");

        subscriber.send(new Unsubscribe(6, List.of("id/+/x")));
        assertEquals(List.of(ReasonCode.SUCCESS), subscriber.read(UnsubAck.class).reasonCodes());
        publishQos0(publisher, "id/c/x", "unsubscribed");
        assertNext(subscriber, "unsubscribed", Set.of(), "UNSUBSCRIBE removed the subscription with its identifier");
    }

    @Test
    void aRetainedMessageSentOnSubscribingCarriesThatSubscriptionsIdentifier() throws Exception {
        RawMqttClient publisher = server.raw("ret-pub");
        publisher.send(new Publish("ret/x", MqttQos.AT_LEAST_ONCE, false, true, 1, RawMqttClient.payload("kept")));
        publisher.read(PubAck.class);
        RawMqttClient subscriber = server.raw("ret-sub");
        subscriber.send(subscribe(1, "ret/+", 0, 300_000));
        Object first = subscriber.read();
        Object second = subscriber.read();
        Publish retained = (Publish) (first instanceof Publish ? first : second);
        try {
            assertEquals(List.of(300_000), retained.properties().subscriptionIdentifiers());
            assertEquals(true, retained.retainFlag());
        } finally {
            retained.release();
        }
    }

    @Test
    void aPersistentSessionKeepsItsIdentifiersAndOptionsAcrossARestart() throws Exception {
        MqttProperties persistent = MqttProperties.builder().sessionExpiryInterval(3600).build();
        RawMqttClient subscriber = server.raw("keeper", false, persistent);
        subscribed(subscriber, new Subscribe(1, List.of(new Subscribe.Subscription("keep/#", MqttQos.AT_LEAST_ONCE,
                true, false, Subscribe.RetainHandling.SEND_AT_SUBSCRIBE)),
                MqttProperties.builder().addSubscriptionIdentifier(42).build()));
        subscribed(subscriber, subscribe(2, "keep/+/deep", 1, 43));
        subscriber.close();
        RawMqttClient publisher = server.raw("keep-pub");
        publisher.send(new Publish("keep/a/deep", MqttQos.AT_LEAST_ONCE, false, false, 1,
                RawMqttClient.payload("queued")));
        publisher.read(PubAck.class);

        server.restart();
        RawMqttClient back = server.raw("keeper", false, persistent);
        Publish queued = back.read(Publish.class);
        try {
            assertEquals("queued", queued.payload().toString(StandardCharsets.UTF_8));
            assertEquals(Set.of(42, 43), Set.copyOf(queued.properties().subscriptionIdentifiers()),
                    "a message queued before the restart");
        } finally {
            queued.release();
        }
        back.send(new PubAck(queued.packetId()));
        // No Local came back as well: the session's own message reaches it through keep/+/deep alone.
        back.send(new Publish("keep/b/deep", MqttQos.AT_LEAST_ONCE, false, false, 7, RawMqttClient.payload("own")));
        Object packet = back.read();
        Publish own = packet instanceof Publish publish ? publish : back.read(Publish.class);
        try {
            assertEquals("own", own.payload().toString(StandardCharsets.UTF_8));
            assertEquals(List.of(43), own.properties().subscriptionIdentifiers(), "No Local kept keep/# away");
        } finally {
            own.release();
        }
    }

    /**
     * Definitions imported on a fresh broker bring a persistent session's queue and bindings but no session record:
     * the session that connects takes its options from the bindings (made here over AMQP, as an import makes them).
     */
    @Test
    void aSessionWhoseBindingsCameWithoutItsRecordTakesItsOptionsFromThem() throws Exception {
        Channel amqp = server.amqp();
        amqp.queueDeclare("mqtt-subscription-imported", true, false, false, java.util.Map.of());
        amqp.queueBind("mqtt-subscription-imported", "amq.topic", "imp/#", java.util.Map.of(
                "x-mqtt-subscription-qos", 0, "x-mqtt-subscription-identifier", 77L, "x-mqtt-no-local", true));
        RawMqttClient device = server.raw("imported", false, MqttProperties.builder().sessionExpiryInterval(60).build());
        RawMqttClient publisher = server.raw("imp-pub");
        publishQos0(device, "imp/own", "own");
        publishQos0(publisher, "imp/x", "theirs");
        assertNext(device, "theirs", Set.of(77), "the identifier and No Local of the imported binding");
    }

    @Test
    void anAmqpPublishersMessageReachesAV5SubscriberWithItsIdentifier() throws Exception {
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttAsyncClient paho = new MqttAsyncClient("tcp://127.0.0.1:" + server.port(), "paho-v5-ids",
                new MemoryPersistence());
        server.closeLater(() -> {
            if (paho.isConnected()) {
                paho.disconnect().waitForCompletion(5000);
            }
            paho.close();
        });
        paho.setCallback(PahoV5Clients.onMessage((topic, message) -> received.add(message)));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setUserName("guest");
        options.setPassword("guest".getBytes(StandardCharsets.UTF_8));
        paho.connect(options).waitForCompletion(20_000);
        org.eclipse.paho.mqttv5.common.packet.MqttProperties identified =
                new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
        identified.setSubscriptionIdentifier(5);
        paho.subscribe(new MqttSubscription[]{new MqttSubscription("plant/+/temperature", 1)}, null, null,
                identified).waitForCompletion(20_000);

        Channel amqp = server.amqp();
        amqp.basicPublish("amq.topic", "plant.line1.temperature", null, "21.5".getBytes(StandardCharsets.UTF_8));
        MqttMessage message = received.poll(20, TimeUnit.SECONDS);
        assertNotNull(message, "the AMQP message reached the MQTT 5 subscriber");
        assertEquals("21.5", new String(message.getPayload(), StandardCharsets.UTF_8));
        assertEquals(List.of(5), message.getProperties().getSubscriptionIdentifiers());
    }
}
