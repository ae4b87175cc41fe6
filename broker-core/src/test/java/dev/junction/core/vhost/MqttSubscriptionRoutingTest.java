package dev.junction.core.vhost;

import dev.junction.core.BrokerException;
import dev.junction.core.ErrorKind;
import dev.junction.core.exchange.MqttBindingArguments;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MQTT subscriptions as bindings of a topic exchange: matched in MQTT syntax, with their granted QoS on the route. */
class MqttSubscriptionRoutingTest {
    @RegisterExtension
    final TestVirtualHost host = new TestVirtualHost(2);
    private final VirtualHost vhost = host.vhost();

    private Queue session(String name, Map<String, Integer> filters) {
        Queue queue = vhost.declareQueue(name, new QueueSettings(false, null, false, Map.of()));
        filters.forEach((filter, qos) ->
                vhost.bindQueue("amq.topic", name, filter, MqttBindingArguments.of(qos), null));
        return queue;
    }

    private List<Queue> publish(String routingKey) {
        return vhost.publish("amq.topic", new Message("amq.topic", routingKey, MessageProperties.EMPTY,
                Unpooled.copiedBuffer(new byte[] {1})));
    }

    /** Filter (MQTT syntax, bound as an MQTT subscription) and routing key (AMQP syntax, '.' separates). */
    @ParameterizedTest(name = "MQTT filter \"{0}\" ~ routing key \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
            "#|$app.x|false", "+/x|$app.x|false", "$app/#|$app.x|true", "#|app.x|true", "+/x|app.x|true",
            "s/*|s.secret|false", "s/*|s.*|true", "*|a|false", "*|*|true",
            "a.b|a/b|true", "a.b|a.b|false", "a/b|a.b|true",
            "a/b*|a.b*|true", "a/b*|a.bc|false", "a/x.y|a.x/y|true", "a/x.y|a.x.y|false", "#|a.#|false",
            "#|a.+|false", "#|''|false",
            "$SYS/#|$SYS.broker|true", "#|$SYS.broker|false"})
    void matchesByMqttRules(String filter, String routingKey, boolean reached) {
        session("s", Map.of(filter, 1));
        assertEquals(reached, publish(routingKey).stream().anyMatch(queue -> queue.name().equals("s")));
    }

    @Test
    void theRouteCarriesTheHighestGrantedQosOfTheMatchingSubscriptions() throws Exception {
        Queue queue = session("s", Map.of("a/+", 1, "a/b", 2, "#", 0));
        assertEquals(1, publish("a.b").size(), "one copy however many filters match");
        assertEquals(2, grantedQosOfNext(queue));
        publish("a.c");
        assertEquals(1, grantedQosOfNext(queue));
        publish("z");
        assertEquals(0, grantedQosOfNext(queue));
    }

    @Test
    void amqpBindingsOnTheSameExchangeKeepTheirOwnRules() throws Exception {
        Queue amqp = vhost.declareQueue("amqp", new QueueSettings(false, null, false, Map.of()));
        vhost.bindQueue("amq.topic", "amqp", "s.*", Map.of(), null);
        Queue mqtt = session("mqtt", Map.of("s/*", 0));
        assertEquals(List.of(amqp), publish("s.secret"));
        assertTrue(publish("s.*").containsAll(List.of(amqp, mqtt)));
        assertEquals(MqttBindingArguments.NOT_MQTT, vhost.queue("amqp").get(true).get(10, TimeUnit.SECONDS)
                .delivery().grantedQos());
        assertEquals(0, grantedQosOfNext(mqtt));
    }

    @Test
    void aQueueReachedByBothKindsOfBindingGetsOneCopyWithTheMqttGrant() throws Exception {
        Queue queue = session("s", Map.of("a/b", 1));
        vhost.bindQueue("amq.topic", "s", "a.*", Map.of(), null);
        assertEquals(List.of(queue), publish("a.b"));
        assertEquals(1, grantedQosOfNext(queue));
    }

    @Test
    void unbindingOneGrantLeavesTheOther() throws Exception {
        Queue queue = session("s", Map.of("a/b", 1));
        vhost.bindQueue("amq.topic", "s", "a/b", MqttBindingArguments.of(2), null);
        vhost.unbindQueue("amq.topic", "s", "a/b", MqttBindingArguments.of(1), null);
        publish("a.b");
        assertEquals(2, grantedQosOfNext(queue));
        vhost.unbindQueue("amq.topic", "s", "a/b", Map.of(MqttBindingArguments.GRANTED_QOS, 2L), null);
        assertEquals(List.of(), publish("a.b"), "a long QoS names the same binding as an int");
    }

    @Test
    void mqtt5OptionsRideWithTheBindingAndNameItHoweverTheyAreSpelled() throws Exception {
        vhost.declareQueue("s", new QueueSettings(false, null, false, Map.of()));
        Map<String, Object> options = MqttBindingArguments.of(1, true, false, 42);
        assertEquals(Map.of(MqttBindingArguments.GRANTED_QOS, 1, MqttBindingArguments.NO_LOCAL, true,
                MqttBindingArguments.SUBSCRIPTION_IDENTIFIER, 42), options, "defaults are left out");
        assertTrue(MqttBindingArguments.of(2, false, false, 0) == MqttBindingArguments.of(2),
                "no options: the shared table");
        vhost.bindQueue("amq.topic", "s", "a/+", options, null);
        Queue queue = vhost.queue("s");
        publish("a.b");
        assertEquals(1, grantedQosOfNext(queue), "the route carries the QoS of a binding with options");
        // As a definitions file or the store gives them back: long numbers, a default spelled out.
        vhost.unbindQueue("amq.topic", "s", "a/+", Map.of(MqttBindingArguments.GRANTED_QOS, 1L,
                MqttBindingArguments.NO_LOCAL, true, MqttBindingArguments.RETAIN_AS_PUBLISHED, false,
                MqttBindingArguments.SUBSCRIPTION_IDENTIFIER, 42L), null);
        assertTrue(vhost.exchange("amq.topic").bindings().isEmpty());
    }

    @Test
    void malformedMqttBindingsAreRefusedWithPreconditionFailed() {
        vhost.declareQueue("s", new QueueSettings(false, null, false, Map.of()));
        for (Map<String, Object> arguments : List.<Map<String, Object>>of(
                Map.of(MqttBindingArguments.GRANTED_QOS, 3), Map.of(MqttBindingArguments.GRANTED_QOS, "1"),
                Map.of(MqttBindingArguments.GRANTED_QOS, 1, "x-other", 1),
                Map.of(MqttBindingArguments.GRANTED_QOS, 1, MqttBindingArguments.NO_LOCAL, "yes"),
                Map.of(MqttBindingArguments.GRANTED_QOS, 1, MqttBindingArguments.SUBSCRIPTION_IDENTIFIER, 0),
                Map.of(MqttBindingArguments.GRANTED_QOS, 1, MqttBindingArguments.SUBSCRIPTION_IDENTIFIER,
                        MqttBindingArguments.MAX_SUBSCRIPTION_IDENTIFIER + 1L))) {
            BrokerException refused = assertThrows(BrokerException.class,
                    () -> vhost.bindQueue("amq.topic", "s", "a", arguments, null), arguments::toString);
            assertEquals(ErrorKind.PRECONDITION_FAILED, refused.kind());
        }
        for (String filter : List.of("a/#/b", "a+", "")) {
            BrokerException refused = assertThrows(BrokerException.class,
                    () -> vhost.bindQueue("amq.topic", "s", filter, MqttBindingArguments.of(0), null), filter);
            assertEquals(ErrorKind.PRECONDITION_FAILED, refused.kind());
        }
        assertTrue(vhost.exchange("amq.topic").bindings().isEmpty());
    }

    private static int grantedQosOfNext(Queue queue) throws Exception {
        Queue.Fetched fetched = queue.get(true).get(10, TimeUnit.SECONDS);
        fetched.delivery().message().release();
        return fetched.delivery().grantedQos();
    }
}
