package dev.junction.server.mqtt;

import dev.junction.server.acl.MqttAcl;
import dev.junction.server.limits.Limits;
import dev.junction.core.Broker;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PingReq;
import dev.junction.mqtt.codec.PingResp;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.PubRec;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.server.GatedStorage;
import dev.junction.server.JunctionServer;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * PUBACK and PUBREC wait for the store to have the message for every durable queue it reached, keep the order of
 * the PUBLISHes, and never come when the store fails.
 */
class MqttAcknowledgementAfterStoreTest {
    private final GatedStorage storage = new GatedStorage();
    private Broker core;
    private JunctionServer server;
    private Queue durableQueue;

    @TempDir
    Path dataDir;

    @BeforeEach
    void start() throws Exception {
        core = new Broker(2, storage);
        MqttBroker mqtt = new MqttBroker(core, MqttSettings.DEFAULTS, TestLogins.guest(core), MqttAcl.allowAll(),
                Limits.none());
        VirtualHost vhost = core.virtualHost(Broker.DEFAULT_VHOST);
        durableQueue = vhost.declareQueue("durable", new QueueSettings(true, null, false, Map.of()));
        vhost.bindQueue("amq.topic", "durable", "stored.#", Map.of(), null);
        Config config = Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED);
        server = JunctionServer.start(config, mqtt.listeners(), List.of(mqtt, core));
    }

    @AfterEach
    void stop() {
        storage.complete();
        server.close();
    }

    @Test
    void acknowledgementsWaitForTheStoreAndKeepPublishOrder() throws Exception {
        try (RawMqttClient client = new RawMqttClient(server.port(Protocol.MQTT))) {
            client.connect("ordered", true);
            storage.hold();
            client.send(publish("stored/one", 1, 1, false, "one"));
            await().atMost(Duration.ofSeconds(5)).until(() -> storage.waitingWrites() == 1);
            // Reaches no durable queue, so it is complete at once, yet its PUBREC must follow the PUBACK before it.
            client.send(publish("transient/two", 2, 2, false, "two"), PingReq.INSTANCE);
            client.read(PingResp.class);

            storage.complete();
            assertEquals(1, client.read(PubAck.class).packetId());
            assertEquals(2, client.read(PubRec.class).packetId());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> durableQueue.readyCount() == 1);
    }

    @Test
    void aPersistentSessionsSubackWaitsForItsSubscriptionsToBeStored() throws Exception {
        try (RawMqttClient client = new RawMqttClient(server.port(Protocol.MQTT))) {
            client.connect("subscriber", false);
            storage.hold();
            client.send(new Subscribe(3, List.of(new Subscribe.Subscription("a/#", MqttQos.AT_LEAST_ONCE))),
                    PingReq.INSTANCE);
            client.read(PingResp.class);
            assertEquals(1, storage.waitingWrites());
            storage.complete();
            assertEquals(3, client.read(SubAck.class).packetId());
        }
    }

    @Test
    void aStoreFailureClosesTheConnectionUnacknowledgedAndTheResendIsRoutedAgain() throws Exception {
        try (RawMqttClient client = new RawMqttClient(server.port(Protocol.MQTT))) {
            client.connect("failing", false);
            storage.hold();
            client.send(publish("stored/qos2", 2, 7, false, "lost?"));
            // The message and, for a persistent session, the record of its packet identifier.
            await().atMost(Duration.ofSeconds(5)).until(() -> storage.waitingWrites() == 2);
            await().atMost(Duration.ofSeconds(5)).until(() -> durableQueue.readyCount() == 1);
            storage.fail(new IOException("No space left on device"));
            client.assertClosedByServer();
        }
        try (RawMqttClient client = new RawMqttClient(server.port(Protocol.MQTT))) {
            assertEquals(true, client.connect("failing", false).sessionPresent());
            // Not a duplicate of a message the broker has: it was never acknowledged, so it is routed this time.
            client.send(publish("stored/qos2", 2, 7, true, "again"));
            assertEquals(7, client.read(PubRec.class).packetId());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> durableQueue.readyCount() == 2);
    }
}
