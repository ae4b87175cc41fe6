package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties;
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperty;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import dev.junction.core.Broker;
import dev.junction.core.store.Definition.StateRecord;
import dev.junction.core.store.Storage;
import dev.junction.core.store.StorageEngines;
import dev.junction.core.store.StorageSettings;
import dev.junction.core.store.log.FsyncPolicy;
import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.server.JunctionServer;
import dev.junction.server.acl.MqttAcl;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.limits.Limits;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What MQTT 5 adds to the state that outlives the process (issue #16): a retained message comes back with its
 * properties and goes on counting its expiry, and a will waiting for its delay is kept with its session, so that
 * after a crash it is published when due, or not at all if its client comes back in time. The broker runs on the
 * log storage in a data directory that each restart reopens; a crash is simulated as the core's recovery tests do
 * it: the storage is closed first, so that nothing the broker does while it then shuts down (publishing waiting
 * wills early, as a clean shutdown does) reaches the disk.
 */
class Mqtt5DurableStateRestartTest {
    @TempDir
    Path dataDir;
    private Storage storage;
    private Broker core;
    private MqttBroker mqtt;
    private JunctionServer server;
    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        storage = StorageEngines.open("log", new StorageSettings(dataDir.resolve("store"), FsyncPolicy.ALWAYS, 1 << 20));
        core = new Broker(2, storage);
        mqtt = new MqttBroker(core, MqttSettings.DEFAULTS, TestLogins.guest(core), MqttAcl.allowAll(), Limits.none());
        server = JunctionServer.start(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED), mqtt.listeners(), List.of(mqtt, core, storage));
    }

    @AfterEach
    void stop() {
        clients.forEach(client -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        clients.clear();
        server.close();
    }

    private void restart() throws Exception {
        stop();
        start();
    }

    /** As kill -9 leaves the data directory: the broker's shutdown work after this point is not recorded. */
    private void crashAndRestart() throws Exception {
        storage.close();
        restart();
    }

    private Mqtt5BlockingClient client(String clientId) {
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(server.port(Protocol.MQTT))
                .simpleAuth().username("guest").password("guest".getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .buildBlocking();
        clients.add(client);
        return client;
    }

    private static Mqtt5Publish receive(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        Optional<Mqtt5Publish> received = publishes.receive(20, TimeUnit.SECONDS);
        assertTrue(received.isPresent(), "a message within 20 s");
        return received.get();
    }

    /** What a new subscription to {@code filter} gets first: a retained message. */
    private Mqtt5Publish firstRetained(String filter, MqttQos qos) throws InterruptedException {
        Mqtt5BlockingClient subscriber = client("reader");
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter(filter).qos(qos).send();
            return receive(publishes);
        }
    }

    private List<String> retainedTopics() {
        return mqtt.retainedMessages("#").stream().map(RetainedMessage::topic).sorted().toList();
    }

    // ---- retained messages ----

    @Test
    void aRetainedMessageComesBackWithItsPropertiesAndItsExpiryStillCounting() throws Exception {
        Mqtt5BlockingClient publisher = client("retainer");
        publisher.connect();
        byte[] correlation = {(byte) 0xFF, 0x00, 0x7F};
        publisher.publishWith().topic("kept/full").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("{\"on\":true}".getBytes(StandardCharsets.UTF_8))
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8).contentType("application/json")
                .responseTopic("kept/replies").correlationData(correlation).messageExpiryInterval(3600)
                .userProperties(Mqtt5UserProperties.of(Mqtt5UserProperty.of("a", "1"), Mqtt5UserProperty.of("b", "2"),
                        Mqtt5UserProperty.of("a", "3")))
                .send();
        restart();

        Mqtt5Publish received = firstRetained("kept/#", MqttQos.AT_LEAST_ONCE);
        assertEquals("kept/full", received.getTopic().toString());
        assertTrue(received.isRetain());
        assertEquals(MqttQos.AT_LEAST_ONCE, received.getQos());
        assertEquals("{\"on\":true}", StandardCharsets.UTF_8.decode(received.getPayload().orElseThrow()).toString());
        assertEquals(Optional.of(Mqtt5PayloadFormatIndicator.UTF_8), received.getPayloadFormatIndicator());
        assertEquals("application/json", received.getContentType().orElseThrow().toString());
        assertEquals("kept/replies", received.getResponseTopic().orElseThrow().toString());
        ByteBuffer data = received.getCorrelationData().orElseThrow();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        assertArrayEquals(correlation, bytes);
        assertEquals(List.of("a=1", "b=2", "a=3"), received.getUserProperties().asList().stream()
                .map(p -> p.getName() + "=" + p.getValue()).toList());
        long left = received.getMessageExpiryInterval().orElseThrow();
        assertTrue(left <= 3600 && left > 3000, "the expiry kept: " + left);
    }

    @Test
    void aRetainedMessageWhoseExpiryPassesWhileTheBrokerIsDownOrAfterTheRestartIsNotDelivered() throws Exception {
        Mqtt5BlockingClient publisher = client("expiring");
        publisher.connect();
        long published = System.nanoTime();
        publisher.publishWith().topic("exp/short").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("short".getBytes(StandardCharsets.UTF_8)).messageExpiryInterval(2).send();
        publisher.publishWith().topic("exp/medium").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("medium".getBytes(StandardCharsets.UTF_8)).messageExpiryInterval(7).send();
        publisher.publishWith().topic("exp/none").qos(MqttQos.AT_LEAST_ONCE).retain(true)
                .payload("none".getBytes(StandardCharsets.UTF_8)).send();
        stop();
        // The broker is down while the short one's expiry passes.
        TimeUnit.NANOSECONDS.sleep(Math.max(0, published + TimeUnit.MILLISECONDS.toNanos(2500) - System.nanoTime()));
        start();
        assertEquals(List.of("exp/medium", "exp/none"), retainedTopics(), "the expired one deleted at start");

        Mqtt5BlockingClient subscriber = client("late");
        subscriber.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("exp/medium").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5Publish medium = receive(publishes);
            long left = medium.getMessageExpiryInterval().orElseThrow();
            assertTrue(left >= 1 && left <= 5, "what is left of 7 s after 2.5 s: " + left);
        }
        subscriber.disconnect();
        // Past the medium one's expiry, counted from its publish in the previous run.
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - published > TimeUnit.SECONDS.toNanos(8));
        Mqtt5BlockingClient later = client("later");
        later.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = later.publishes(MqttGlobalPublishFilter.ALL)) {
            later.subscribeWith().topicFilter("exp/#").qos(MqttQos.AT_LEAST_ONCE).send();
            assertEquals("exp/none", receive(publishes).getTopic().toString());
            assertFalse(publishes.receive(1, TimeUnit.SECONDS).isPresent(), "the medium one expired");
        }
    }

    @Test
    void aRetainedRecordOfThePreviousVersionIsStillRead() throws Exception {
        // The previous layout: the QoS byte, then the payload.
        CompletableFuture<Throwable> stored = new CompletableFuture<>();
        core.definitions().put(new StateRecord("mqtt-retained", "old/topic", new byte[]{1, 'o', 'l', 'd'}),
                stored::complete);
        assertNull(stored.get(20, TimeUnit.SECONDS));
        restart();

        Mqtt5Publish received = firstRetained("old/#", MqttQos.EXACTLY_ONCE);
        assertEquals("old/topic", received.getTopic().toString());
        assertEquals(MqttQos.AT_LEAST_ONCE, received.getQos());
        assertTrue(received.isRetain());
        assertEquals("old", StandardCharsets.UTF_8.decode(received.getPayload().orElseThrow()).toString());
        assertTrue(received.getMessageExpiryInterval().isEmpty());
    }

    // ---- queued messages ----

    @Test
    void aQueuedMessageKeepsCountingItsExpiryOverARestart() throws Exception {
        Mqtt5BlockingClient subscriber = client("offline");
        subscriber.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        subscriber.subscribeWith().topicFilter("queued/exp").qos(MqttQos.AT_LEAST_ONCE).send();
        subscriber.disconnect();
        Mqtt5BlockingClient publisher = client("queuer");
        publisher.connect();
        long published = System.nanoTime();
        publisher.publishWith().topic("queued/exp").qos(MqttQos.AT_LEAST_ONCE)
                .payload("queued".getBytes(StandardCharsets.UTF_8)).messageExpiryInterval(10).send();
        // 3 s of its 10 pass before the restart.
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - published > TimeUnit.SECONDS.toNanos(3));
        restart();

        Mqtt5BlockingClient back = client("offline");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = back.publishes(MqttGlobalPublishFilter.ALL)) {
            back.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
            Mqtt5Publish received = receive(publishes);
            assertEquals("queued", StandardCharsets.UTF_8.decode(received.getPayload().orElseThrow()).toString());
            long left = received.getMessageExpiryInterval().orElseThrow();
            assertTrue(left >= 1 && left <= 7, "what is left of 10 s after 3 s and a restart: " + left);
        }
    }

    // ---- pending wills ----

    /** An MQTT 5 persistent session subscribed to {@code wills/#}, left without DISCONNECT (it has no will). */
    private void watch() throws IOException {
        try (RawMqttClient watcher = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            assertFalse(connectWatcher(watcher).sessionPresent());
            watcher.send(new Subscribe(1, List.of(new Subscribe.Subscription("wills/#",
                    dev.junction.mqtt.codec.MqttQos.AT_LEAST_ONCE))));
            watcher.read(SubAck.class);
        }
    }

    private static ConnAck connectWatcher(RawMqttClient watcher) throws IOException {
        watcher.send(new Connect(MqttProtocolVersion.MQTT_5, false, 0, "watcher", null, "guest",
                "guest".getBytes(StandardCharsets.UTF_8),
                MqttProperties.builder().sessionExpiryInterval(3600).build()));
        ConnAck ack = watcher.read(ConnAck.class);
        assertEquals(ReasonCode.SUCCESS, ack.reasonCode());
        return ack;
    }

    /** Connects {@code dying} with a session of an hour and a will delayed by {@code delaySeconds}. */
    private RawMqttClient dying(long delaySeconds) throws IOException {
        return dying(delaySeconds, 3600);
    }

    private RawMqttClient dying(long delaySeconds, long sessionExpirySeconds) throws IOException {
        RawMqttClient dying = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5();
        dying.send(new Connect(MqttProtocolVersion.MQTT_5, false, 0, "dying",
                new Connect.Will("wills/dying", "gone".getBytes(StandardCharsets.UTF_8),
                        dev.junction.mqtt.codec.MqttQos.AT_LEAST_ONCE, false,
                        MqttProperties.builder().willDelayInterval(delaySeconds).contentType("text/plain")
                                .addUserProperty("why", "lost").build()),
                "guest", "guest".getBytes(StandardCharsets.UTF_8),
                MqttProperties.builder().sessionExpiryInterval(sessionExpirySeconds).build()));
        assertEquals(ReasonCode.SUCCESS, dying.read(ConnAck.class).reasonCode());
        return dying;
    }

    /** Drops the connection without DISCONNECT and waits until the broker has seen it go (its will now waits). */
    private long loseConnection(RawMqttClient dying) throws IOException {
        long lost = System.nanoTime();
        dying.close();
        await().atMost(Duration.ofSeconds(20)).until(() -> mqtt.sessionSnapshots().join().stream()
                .anyMatch(session -> session.clientId().equals("dying") && !session.connected()));
        return lost;
    }

    /** A message for the watcher after which nothing else comes: what arrives before it arrived first. */
    private void publishSentinel() throws IOException {
        try (RawMqttClient other = new RawMqttClient(server.port(Protocol.MQTT))) {
            other.connect("sentinel", true);
            other.send(RawMqttClient.publish("wills/sentinel", 1, 1, false, "after"));
            other.read(dev.junction.mqtt.codec.PubAck.class);
        }
    }

    /** The watcher's next PUBLISH, which the caller releases. */
    private Publish nextForWatcher(RawMqttClient watcher) throws IOException {
        assertTrue(connectWatcher(watcher).sessionPresent());
        return watcher.read(Publish.class);
    }

    @Test
    void aWillWaitingForItsDelayIsPublishedAfterACrashWhenTheDelayPasses() throws Exception {
        watch();
        long lost = loseConnection(dying(4));
        crashAndRestart();
        try (RawMqttClient watcher = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            Publish will = nextForWatcher(watcher);
            long waited = System.nanoTime() - lost;
            try {
                assertEquals("wills/dying", will.topic());
                assertEquals("gone", will.payload().toString(StandardCharsets.UTF_8));
                assertEquals(Optional.of("text/plain"), will.properties().contentType());
                assertEquals(List.of(new MqttProperties.UserProperty("why", "lost")), will.properties().userProperties());
            } finally {
                will.release();
            }
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(3900),
                    "not before its delay, counted from the lost connection: " + waited / 1_000_000 + " ms");
        }
    }

    @Test
    void aWillThatFellDueWhileTheBrokerWasDownIsPublishedAtStart() throws Exception {
        watch();
        long lost = loseConnection(dying(1));
        storage.close();
        stop();
        TimeUnit.NANOSECONDS.sleep(Math.max(0, lost + TimeUnit.MILLISECONDS.toNanos(1500) - System.nanoTime()));
        start();
        try (RawMqttClient watcher = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            Publish will = nextForWatcher(watcher);
            try {
                assertEquals("wills/dying", will.topic());
            } finally {
                will.release();
            }
        }
    }

    @Test
    void aWillWhoseSessionExpiresBeforeItsDelayIsPublishedAfterACrashWhenTheSessionEnds() throws Exception {
        watch();
        long lost = loseConnection(dying(3600, 3));
        crashAndRestart();
        try (RawMqttClient watcher = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            Publish will = nextForWatcher(watcher);
            long waited = System.nanoTime() - lost;
            try {
                assertEquals("wills/dying", will.topic());
            } finally {
                will.release();
            }
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(2900), "at the session's end: " + waited / 1_000_000);
        }
    }

    @Test
    void aClientBackInTimeAfterTheCrashCancelsItsWill() throws Exception {
        watch();
        long lost = loseConnection(dying(5));
        crashAndRestart();
        try (RawMqttClient back = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            back.send(new Connect(MqttProtocolVersion.MQTT_5, false, 0, "dying", null, "guest",
                    "guest".getBytes(StandardCharsets.UTF_8),
                    MqttProperties.builder().sessionExpiryInterval(3600).build()));
            ConnAck ack = back.read(ConnAck.class);
            assertTrue(ack.sessionPresent());
            // Past the will's due time, and a restart more: the cancelled will is not in the store either.
            await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - lost > TimeUnit.SECONDS.toNanos(6));
            back.send(new dev.junction.mqtt.codec.Disconnect(ReasonCode.NORMAL_DISCONNECTION));
            back.assertClosedByServer();
        }
        restart();
        publishSentinel();
        try (RawMqttClient watcher = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            Publish first = nextForWatcher(watcher);
            try {
                assertEquals("wills/sentinel", first.topic(), "the will was cancelled");
            } finally {
                first.release();
            }
        }
    }

    @Test
    void aWillPublishedEarlyAtACleanShutdownIsNotPublishedAgainAfterTheRestart() throws Exception {
        watch();
        loseConnection(dying(3600));
        restart();
        publishSentinel();
        try (RawMqttClient watcher = new RawMqttClient(server.port(Protocol.MQTT)).mqtt5()) {
            Publish first = nextForWatcher(watcher);
            Publish second = watcher.read(Publish.class);
            try {
                assertEquals("wills/dying", first.topic(), "published at the shutdown");
                assertEquals("wills/sentinel", second.topic(), "and not once more");
            } finally {
                first.release();
                second.release();
            }
        }
    }
}
