package dev.junction.server.mqtt;

import dev.junction.core.Broker;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.topic.TopicMapping;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.Publish;
import dev.junction.server.acl.MqttAcl;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.limits.Limits;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbound PUBLISHes of one session, written to a real {@link MqttConnection} on an {@link EmbeddedChannel},
 * with deliveries taken from a real core queue.
 */
class OutboundPublishWriterTest {
    private static final int MAX_PACKET_SIZE = 64;

    private final Broker core = new Broker(1);
    private final VirtualHost vhost = core.virtualHost(Broker.DEFAULT_VHOST);
    private final Queue queue = vhost.declareQueue("mqtt-subscription-c", new QueueSettings(false, null, false,
            Map.of()));
    private final MqttStats stats = new MqttStats();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final MqttConnection connection = new MqttConnection(connectionServices());
    private final OutboundInFlight inFlight = new OutboundInFlight("c", null, stats, Map.of(),
            () -> channel.eventLoop().inEventLoop());
    private final OutboundPublishWriter writer = new OutboundPublishWriter("c", MAX_PACKET_SIZE, stats, inFlight,
            () -> channel.eventLoop().inEventLoop());

    private ConnectionServices connectionServices() {
        MqttSettings settings = MqttSettings.DEFAULTS;
        RetainedMessages retained = new RetainedMessages();
        MqttDurableState durable = new MqttDurableState(core.definitions());
        SessionRegistry sessions = new SessionRegistry(new SessionServices(settings, vhost, durable, stats,
                retained, new SharedGroups(vhost, settings.exchange(), settings.sharedSubscriptionSelection()),
                new MqttPublisher(vhost, settings.exchange(), retained, stats, durable)), Map.of());
        return new ConnectionServices(settings, Limits.none(), stats,
                new MqttAuthenticator(TestLogins.guest(core), settings.vhost(), true), MqttAcl.allowAll(), sessions,
                new MqttPublisher(vhost, settings.exchange(), retained, stats, durable), () -> false,
                ConcurrentHashMap.newKeySet());
    }

    @AfterEach
    void close() throws InterruptedException {
        channel.finishAndReleaseAll();
        core.close();
    }

    private void connect() {
        channel.pipeline().addLast(connection);
        writer.attach(connection);
    }

    private static Message message(String topicName, int publishQos, int payloadSize) {
        return new Message("amq.topic", TopicMapping.routingKey(topicName), MessageProperties.EMPTY.withHeaders(
                Map.of(MqttPublisher.QOS_HEADER, publishQos)), Unpooled.buffer(payloadSize).writeZero(payloadSize));
    }

    private Delivery delivery(String topicName, int publishQos, int payloadSize) {
        queue.enqueue(message(topicName, publishQos, payloadSize));
        return queue.get(false).join().delivery();
    }

    /** Unsettled entries once the queue has handled the settles asked before. */
    private int unsettled() {
        assertNull(queue.get(false).join(), "nothing left ready");
        return queue.unsettledCount();
    }

    /** What went out, once the flushes queued on the event loop have run. */
    private Publish written() {
        channel.runPendingTasks();
        Object packet = channel.readOutbound();
        assertTrue(packet instanceof Publish, "a PUBLISH, not " + packet);
        return (Publish) packet;
    }

    @Test
    void qos0IsWrittenAndSettledAtOnce() {
        connect();
        writer.deliver(delivery("a/b", 0, 3), "a/b", 2, null);
        Publish publish = written();
        assertEquals("a/b", publish.topic());
        assertEquals(MqttQos.AT_MOST_ONCE, publish.qos());
        assertFalse(publish.retainFlag());
        assertEquals(3, publish.payload().readableBytes());
        publish.release();
        assertEquals(0, unsettled());
        assertEquals(1, stats.messagesSent.sum());
        assertEquals(3, stats.bytesSent.sum());
    }

    @Test
    void theQosIsTheGrantCappedByThePublishersAndHoldsTheEntryUntilAcknowledged() {
        connect();
        writer.deliver(delivery("a", 2, 1), "a", 1, null);
        Publish publish = written();
        assertEquals(MqttQos.AT_LEAST_ONCE, publish.qos());
        assertEquals(1, publish.packetId());
        publish.release();
        assertEquals(1, unsettled());
        inFlight.pubAck(1);
        assertEquals(0, unsettled());
    }

    @Test
    void pubRecIsAnsweredWithPubRel() {
        connect();
        writer.deliver(delivery("a", 2, 1), "a", 2, null);
        int packetId = written().packetId();
        writer.pubRec(packetId, false);
        assertEquals(new PubRel(packetId), channel.readOutbound());
        assertEquals(0, unsettled(), "PUBREC settles a QoS 2 delivery");
        assertEquals(1, inFlight.size(), "its identifier is held until PUBCOMP");
    }

    @Test
    void aPublishOverThePacketSizeLimitIsDroppedCountedAndSettled() {
        connect();
        // Fixed header 2 bytes, topic 2 + 1, packet id 2 at QoS 1 and 2: 65 bytes each.
        writer.deliver(delivery("a", 1, 58), "a", 1, null);
        writer.deliver(delivery("a", 0, 60), "a", 0, null);
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
        assertEquals(2, stats.dropped(MqttDropReason.TOO_LARGE));
        assertEquals(0, unsettled());
        writer.deliver(delivery("a", 0, 59), "a", 0, null);
        Publish fits = written();
        assertEquals(59, fits.payload().readableBytes(), "64 bytes, the limit itself, fit");
        fits.release();
    }

    @Test
    void aRoutingKeyThatIsNoMqttTopicIsDroppedCountedAndSettled() {
        connect();
        writer.deliver(delivery("a/+", 0, 1), "a/+", 1, null);
        channel.runPendingTasks();
        assertNull(channel.readOutbound());
        assertEquals(1, stats.dropped(MqttDropReason.NOT_MQTT_TOPIC));
        assertEquals(0, unsettled());
    }

    @Test
    void offlineQos0IsDroppedWhileQos1WaitsAndGoesOutOnAttachThenAgainWithDup() {
        writer.deliver(delivery("a", 0, 1), "a", 0, null);
        writer.deliver(delivery("a", 1, 1), "a", 1, null);
        assertEquals(1, stats.dropped(MqttDropReason.OFFLINE));
        assertEquals(1, unsettled(), "the QoS 1 delivery waits in flight");
        connect();
        Publish first = written();
        assertEquals(1, first.packetId());
        assertFalse(first.dup(), "never sent before");
        first.release();
        writer.detach();
        writer.attach(connection);
        Publish again = written();
        assertEquals(1, again.packetId());
        assertTrue(again.dup(), "a resend [MQTT-3.3.1-1]");
        again.release();
        assertEquals(1, stats.messages.redelivered.sum());
    }

    @Test
    void aRetainedMessageGoesOutWithRetainSet() {
        connect();
        Message message = message("r", 1, 2);
        writer.sendRetained("r", SubscriptionOptions.plain(2), message);
        writer.flush();
        Publish publish = written();
        assertTrue(publish.retainFlag());
        assertEquals(MqttQos.AT_LEAST_ONCE, publish.qos());
        publish.release();
        inFlight.pubAck(publish.packetId());
        assertEquals(0, message.refCnt(), "the acknowledged message is let go");
    }

    @Test
    void sysUpdatesGoOutOnlyWhileConnected() {
        Message offline = message("$SYS/broker/uptime", 0, 1);
        writer.sendSys("$SYS/broker/uptime", offline, dev.junction.mqtt.codec.MqttProperties.NONE);
        assertEquals(0, offline.refCnt());
        connect();
        writer.sendSys("$SYS/broker/uptime", message("$SYS/broker/uptime", 0, 1),
                dev.junction.mqtt.codec.MqttProperties.NONE);
        Publish publish = written();
        assertEquals("$SYS/broker/uptime", publish.topic());
        publish.release();
    }

    @Test
    void withEveryPacketIdTakenTheMessageIsGivenBackAndTheConnectionCloses() {
        connect();
        for (int i = 0; i < OutboundInFlight.MAX_PACKET_ID; i++) {
            writer.sendRetained("r", SubscriptionOptions.plain(1), message("r", 1, 0));
        }
        channel.runPendingTasks();
        channel.releaseOutbound();
        writer.deliver(delivery("a", 1, 1), "a", 1, null);
        assertFalse(channel.isActive());
        Queue.Fetched again = queue.get(false).join();
        assertTrue(again != null && again.delivery().redelivered(), "given back to the queue");
        again.delivery().message().release();
    }

    @Test
    void callsOffTheOwnerThreadFail() {
        OutboundPublishWriter offOwner = new OutboundPublishWriter("c", MAX_PACKET_SIZE, stats, inFlight, () -> false);
        assertThrows(AssertionError.class, () -> offOwner.attach(connection));
    }
}
