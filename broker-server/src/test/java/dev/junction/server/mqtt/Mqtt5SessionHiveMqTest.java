package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 sessions with HiveMQ's client: what it reads from CONNACK (assigned identifier, limits), the reason of a
 * server's DISCONNECT as it reports it (takeover, shutdown), a session kept by its expiry interval and a delayed will.
 */
class Mqtt5SessionHiveMqTest {
    private MqttTestBroker broker;
    private HiveMqClients clients;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
        clients = new HiveMqClients(broker::port);
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        if (broker != null) {
            broker.close();
        }
    }

    /** A client whose server-side disconnection completes the future with the reason code the server sent. */
    private Mqtt5BlockingClient watchedClient(String clientId, CompletableFuture<Mqtt5DisconnectReasonCode> reason) {
        return clients.v5(clients.v5Builder(clientId).addDisconnectedListener(context -> {
            if (context.getSource() == MqttDisconnectSource.SERVER
                    && context.getCause() instanceof Mqtt5DisconnectException disconnect) {
                reason.complete(disconnect.getMqttMessage().getReasonCode());
            } else {
                reason.completeExceptionally(context.getCause());
            }
        }));
    }

    @Test
    void anEmptyIdentifierIsAssignedOneAndTheLimitsAreAnnounced() {
        Mqtt5BlockingClient client = clients.v5(clients.v5Builder());
        Mqtt5ConnAck ack = client.connect();
        String assigned = ack.getAssignedClientIdentifier().orElseThrow().toString();
        assertTrue(assigned.startsWith("junction-"), assigned);
        assertEquals(assigned, client.getConfig().getClientIdentifier().orElseThrow().toString());
        assertEquals(1024, ack.getRestrictions().getReceiveMaximum());
        assertEquals(64, ack.getRestrictions().getTopicAliasMaximum());
        assertTrue(ack.getRestrictions().isRetainAvailable());
        assertTrue(ack.getRestrictions().isWildcardSubscriptionAvailable());
        assertTrue(ack.getRestrictions().isSharedSubscriptionAvailable());
        assertTrue(ack.getRestrictions().areSubscriptionIdentifiersAvailable());
        assertEquals(MqttQos.EXACTLY_ONCE, ack.getRestrictions().getMaximumQos());
    }

    @Test
    void theOldClientSeesSessionTakenOver() throws Exception {
        CompletableFuture<Mqtt5DisconnectReasonCode> reason = new CompletableFuture<>();
        watchedClient("device", reason).connectWith().cleanStart(false).sessionExpiryInterval(60).send();
        assertTrue(clients.v5(clients.v5Builder("device")).connectWith().cleanStart(false).sessionExpiryInterval(60).send()
                .isSessionPresent());
        assertEquals(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER, reason.get(20, TimeUnit.SECONDS));
    }

    @Test
    void clientsSeeTheServerShuttingDown() throws Exception {
        CompletableFuture<Mqtt5DisconnectReasonCode> reason = new CompletableFuture<>();
        watchedClient("staying", reason).connect();
        broker.close();
        broker = null;
        assertEquals(Mqtt5DisconnectReasonCode.SERVER_SHUTTING_DOWN, reason.get(20, TimeUnit.SECONDS));
    }

    @Test
    void aSessionWithAnExpiryIntervalIsResumedAndAZeroOneIsNot() {
        Mqtt5BlockingClient kept = clients.v5(clients.v5Builder("kept"));
        kept.connectWith().cleanStart(true).sessionExpiryInterval(60).send();
        kept.disconnect();
        assertTrue(kept.connectWith().cleanStart(false).sessionExpiryInterval(0).send().isSessionPresent());
        kept.disconnect();
        // The second CONNECT set the interval to 0: the session ended with that connection.
        assertFalse(kept.connectWith().cleanStart(false).send().isSessionPresent());
    }

    @Test
    void aDisconnectWithWillMessageSendsTheWillAfterItsDelay() throws Exception {
        Mqtt5BlockingClient watcher = clients.v5(clients.v5Builder("watcher"));
        watcher.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
            watcher.subscribeWith().topicFilter("wills/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Mqtt5BlockingClient dying = clients.v5(clients.v5Builder("dying"));
            dying.connectWith().sessionExpiryInterval(60)
                    .willPublish().topic("wills/dying").payload("gone".getBytes(StandardCharsets.UTF_8))
                    .qos(MqttQos.AT_LEAST_ONCE).delayInterval(1).applyWillPublish().send();
            long lost = System.nanoTime();
            dying.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
            Optional<Mqtt5Publish> will = publishes.receive(20, TimeUnit.SECONDS);
            assertTrue(will.isPresent());
            assertEquals("wills/dying", will.get().getTopic().toString());
            assertTrue(System.nanoTime() - lost >= TimeUnit.MILLISECONDS.toNanos(900), "not before its delay");
        }
    }
}
