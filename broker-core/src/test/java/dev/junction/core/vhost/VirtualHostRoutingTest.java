package dev.junction.core.vhost;

import dev.junction.core.BrokerException;
import dev.junction.core.ErrorKind;
import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtualHostRoutingTest {
    @RegisterExtension
    final TestVirtualHost host = new TestVirtualHost(2);
    private final VirtualHost vhost = host.vhost();

    private Queue queue(String name) {
        return vhost.declareQueue(name, new QueueSettings(false, null, false, Map.of()));
    }

    private static Message message(String routingKey, Map<String, Object> headers) {
        return new Message("x", routingKey, MessageProperties.EMPTY.withHeaders(headers),
                Unpooled.copiedBuffer("payload", StandardCharsets.UTF_8));
    }

    private Set<String> route(String exchange, String routingKey) {
        return route(exchange, routingKey, null);
    }

    private Set<String> route(String exchange, String routingKey, Map<String, Object> headers) {
        return vhost.publish(exchange, message(routingKey, headers)).stream().map(Queue::name)
                .collect(Collectors.toSet());
    }

    @Test
    void everyVhostHasTheStandardExchanges() {
        assertEquals(ExchangeType.DIRECT, vhost.exchange("").type());
        assertEquals(ExchangeType.DIRECT, vhost.exchange("amq.direct").type());
        assertEquals(ExchangeType.FANOUT, vhost.exchange("amq.fanout").type());
        assertEquals(ExchangeType.TOPIC, vhost.exchange("amq.topic").type());
        assertEquals(ExchangeType.HEADERS, vhost.exchange("amq.headers").type());
        assertEquals(ExchangeType.HEADERS, vhost.exchange("amq.match").type());
        assertTrue(vhost.exchange("amq.topic").settings().durable());
    }

    @Test
    void defaultExchangeRoutesByQueueName() {
        queue("orders");
        assertEquals(Set.of("orders"), route("", "orders"));
        assertEquals(Set.of(), route("", "nobody"));
        BrokerException refused = assertThrows(BrokerException.class,
                () -> vhost.bindQueue("", "orders", "k", Map.of(), null));
        assertEquals(ErrorKind.ACCESS_REFUSED, refused.kind());
    }

    @Test
    void directRoutesByExactKey() {
        queue("a");
        queue("b");
        vhost.bindQueue("amq.direct", "a", "red", Map.of(), null);
        vhost.bindQueue("amq.direct", "b", "red", Map.of(), null);
        vhost.bindQueue("amq.direct", "b", "blue", Map.of(), null);
        assertEquals(Set.of("a", "b"), route("amq.direct", "red"));
        assertEquals(Set.of("b"), route("amq.direct", "blue"));
        assertEquals(Set.of(), route("amq.direct", "green"));
        vhost.unbindQueue("amq.direct", "b", "red", Map.of(), null);
        assertEquals(Set.of("a"), route("amq.direct", "red"));
        assertEquals(Set.of("b"), route("amq.direct", "blue"));
    }

    @Test
    void fanoutIgnoresTheKey() {
        queue("a");
        queue("b");
        vhost.bindQueue("amq.fanout", "a", "", Map.of(), null);
        vhost.bindQueue("amq.fanout", "b", "whatever", Map.of(), null);
        assertEquals(Set.of("a", "b"), route("amq.fanout", "anything"));
    }

    @Test
    void topicRoutesByPattern() {
        queue("kitchen");
        queue("all");
        queue("temps");
        vhost.bindQueue("amq.topic", "kitchen", "sensors.kitchen.*", Map.of(), null);
        vhost.bindQueue("amq.topic", "all", "#", Map.of(), null);
        vhost.bindQueue("amq.topic", "temps", "sensors.*.temperature", Map.of(), null);
        assertEquals(Set.of("kitchen", "all", "temps"), route("amq.topic", "sensors.kitchen.temperature"));
        assertEquals(Set.of("all", "temps"), route("amq.topic", "sensors.hall.temperature"));
        assertEquals(Set.of("all"), route("amq.topic", "sensors.kitchen"));
    }

    @Test
    void aQueueReachedByManyBindingsGetsOneCopy() {
        queue("a");
        vhost.bindQueue("amq.topic", "a", "a.*", Map.of(), null);
        vhost.bindQueue("amq.topic", "a", "*.b", Map.of(), null);
        vhost.bindQueue("amq.topic", "a", "#", Map.of(), null);
        Message message = message("a.b", null);
        List<Queue> targets = vhost.publish("amq.topic", message);
        assertEquals(1, targets.size());
        assertEquals(1, message.refCnt(), "exactly one queue holds a reference");
    }

    @Test
    void oneBodyIsSharedByEveryQueueAndReleasedByThePublisher() {
        for (String name : List.of("a", "b", "c")) {
            queue(name);
            vhost.bindQueue("amq.fanout", name, "", Map.of(), null);
        }
        Message message = message("", null);
        List<Queue> targets = vhost.publish("amq.fanout", message);
        assertEquals(3, targets.size());
        assertEquals(3, message.refCnt(), "one reference per queue, the publisher's released");
        assertEquals(1, message.body().refCnt(), "the body itself is never duplicated");
    }

    @Test
    void headersExchangeMatchesAllOrAny() {
        queue("all");
        queue("any");
        queue("present");
        vhost.bindQueue("amq.headers", "all", "", Map.of("format", "pdf", "type", "report"), null);
        vhost.bindQueue("amq.headers", "any", "", Map.of("x-match", "any", "format", "pdf", "type", "log"), null);
        Map<String, Object> presence = new HashMap<>();
        presence.put("urgent", null);
        vhost.bindQueue("amq.headers", "present", "", presence, null);
        assertEquals(Set.of("all", "any"), route("amq.headers", "", Map.of("format", "pdf", "type", "report")));
        assertEquals(Set.of("any"), route("amq.headers", "", Map.of("format", "pdf")));
        assertEquals(Set.of("any"), route("amq.headers", "", Map.of("type", "log")));
        assertEquals(Set.of("present"), route("amq.headers", "", Map.of("urgent", true)));
        assertEquals(Set.of(), route("amq.headers", "", Map.of("format", "zip")));
        assertEquals(Set.of(), route("amq.headers", "", null));
    }

    @Test
    void headersComparesIntegersOfAnyWidthAndIgnoresXArgumentsUnlessAsked() {
        queue("n");
        queue("x");
        vhost.bindQueue("amq.headers", "n", "", Map.of("count", 5, "x-note", "ignored"), null);
        vhost.bindQueue("amq.headers", "x", "", Map.of("x-match", "all-with-x", "x-tag", "t"), null);
        assertEquals(Set.of("n"), route("amq.headers", "", Map.of("count", 5L)));
        assertEquals(Set.of("x"), route("amq.headers", "", Map.of("x-tag", "t")));
    }

    @Test
    void exchangeToExchangeBindingsChainAndCyclesEnd() {
        vhost.declareExchange("upstream", ExchangeType.FANOUT, ExchangeSettings.plain());
        vhost.declareExchange("downstream", ExchangeType.DIRECT, ExchangeSettings.plain());
        vhost.bindExchange("upstream", "downstream", "", Map.of());
        vhost.bindExchange("downstream", "upstream", "loop", Map.of());
        queue("q");
        vhost.bindQueue("downstream", "q", "loop", Map.of(), null);
        assertEquals(Set.of("q"), route("upstream", "loop"));
        assertEquals(Set.of(), route("upstream", "other"));
    }

    @Test
    void internalExchangesRefuseDirectPublishes() {
        vhost.declareExchange("inner", ExchangeType.FANOUT, new ExchangeSettings(false, false, true, Map.of()));
        BrokerException refused = assertThrows(BrokerException.class, () -> route("inner", ""));
        assertEquals(ErrorKind.ACCESS_REFUSED, refused.kind());
    }

    @Test
    void publishingToAMissingExchangeIsNotFoundAndReleasesTheMessage() {
        Message message = message("k", null);
        BrokerException missing = assertThrows(BrokerException.class, () -> vhost.publish("nope", message));
        assertEquals(ErrorKind.NOT_FOUND, missing.kind());
        assertEquals("no exchange 'nope' in vhost '/'", missing.getMessage());
        assertEquals(0, message.refCnt());
    }
}
