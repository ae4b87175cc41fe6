package dev.junction.server.mqtt;

import dev.junction.core.Broker;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.topic.TopicMapping;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.ReasonCode;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subscriptions against a real in-memory vhost: what is bound is what routes. */
class SessionFiltersTest {
    private static final String QUEUE = "mqtt-subscription-c";
    private final Broker broker = new Broker(1);
    private final VirtualHost vhost = broker.virtualHost(Broker.DEFAULT_VHOST);
    private final Queue queue = vhost.declareQueue(QUEUE, new QueueSettings(false, null, false, Map.of()));
    private final MqttStats stats = new MqttStats();
    private final SessionFilters filters = new SessionFilters("c", vhost, "amq.topic", QUEUE, this, null, stats,
            Map.of(), () -> true);

    @AfterEach
    void close() throws InterruptedException {
        broker.close();
    }

    private List<Queue> routes(String topicName) {
        return vhost.publish("amq.topic", new Message("amq.topic", TopicMapping.routingKey(topicName),
                MessageProperties.EMPTY, Unpooled.buffer(0)));
    }

    @Test
    void aFilterRoutesUntilUnsubscribed() {
        assertEquals(ReasonCode.GRANTED_QOS_1, filters.subscribe("a/+", SubscriptionOptions.plain(1)));
        assertEquals(List.of(queue), routes("a/b"));
        assertEquals(1, filters.maxGrantedQos("a/b"));
        assertEquals(1, stats.subscriptions.get());
        filters.unsubscribe("a/+");
        assertEquals(List.of(), routes("a/b"));
        assertEquals(0, stats.subscriptions.get());
    }

    @Test
    void aNewQosReplacesTheBindingAndCountsOnce() {
        filters.subscribe("a", SubscriptionOptions.plain(0));
        filters.subscribe("a", SubscriptionOptions.plain(2));
        assertEquals(Map.of("a", 2), filters.snapshot());
        assertEquals(1, stats.subscriptions.get());
        filters.unsubscribe("a");
        assertEquals(List.of(), routes("a"), "no binding of the old QoS is left behind");
    }

    @Test
    void sysFiltersAreNoBindings() {
        filters.subscribe("$SYS/#", SubscriptionOptions.plain(0));
        assertFalse(SessionFilters.boundToSessionQueue("$SYS/#"));
        assertEquals(List.of(), routes("$SYS/broker/uptime"));
        assertEquals(0, filters.maxGrantedQos("$SYS/broker/uptime"));
    }

    @Test
    void sharedFiltersAreNoBindingsOfTheSessionQueue() {
        filters.subscribe("$share/g/a/#", SubscriptionOptions.plain(1));
        assertFalse(SessionFilters.boundToSessionQueue("$share/g/a/#"));
        assertEquals(List.of(), routes("a/b"), "the group's queue is bound, not the session's");
        assertEquals(Map.of("$share/g/a/#", 1), filters.snapshot(), "recorded and shown like any filter");
    }

    @Test
    void aRefusedBindingLeavesTheSubscriptionsAsTheyWere() {
        SessionFilters noQueue = new SessionFilters("c", vhost, "amq.topic", "no-such-queue", this, null, stats,
                Map.of(), () -> true);
        assertEquals(ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR, noQueue.subscribe("a", SubscriptionOptions.plain(0)));
        assertEquals(Map.of(), noQueue.snapshot());
        assertEquals(0, stats.subscriptions.get());
    }

    @Test
    void theLimitCountsOnlyNewFilters() {
        filters.subscribe("a", SubscriptionOptions.plain(0));
        assertFalse(filters.hasRoomFor("b", 1));
        assertTrue(filters.hasRoomFor("a", 1));
        assertTrue(filters.hasRoomFor("b", 0));
    }

    @Test
    void useOffTheOwnerThreadIsRefused() {
        SessionFilters elsewhere = new SessionFilters("c", vhost, "amq.topic", QUEUE, this, null, stats, Map.of(),
                () -> false);
        assertThrows(AssertionError.class, () -> elsewhere.subscribe("a", SubscriptionOptions.plain(0)));
    }
}
