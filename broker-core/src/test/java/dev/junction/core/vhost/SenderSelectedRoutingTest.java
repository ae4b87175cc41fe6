package dev.junction.core.vhost;

import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.thread.ShardGroup;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The core's side of sender-selected distribution: routing by CC and BCC keys, and the body's references. */
class SenderSelectedRoutingTest {
    private final ShardGroup shards = new ShardGroup(2);
    private final VirtualHost vhost = new VirtualHost("/", shards);

    @AfterEach
    void stop() throws InterruptedException {
        shards.close();
    }

    private Queue boundQueue(String name, String exchange, String key) {
        Queue queue = vhost.declareQueue(name, new QueueSettings(false, null, false, Map.of()));
        vhost.bindQueue(exchange, name, key, Map.of(), null);
        return queue;
    }

    private Set<String> publish(String exchange, Message message) {
        return vhost.publish(exchange, message).stream().map(Queue::name).collect(Collectors.toSet());
    }

    private static Message message(String routingKey, ByteBuf body, Map<String, Object> headers) {
        return new Message("", routingKey, MessageProperties.EMPTY.withHeaders(headers), body);
    }

    @Test
    void everyKeyRoutesAndTextOfAnyStringTypeCounts() {
        vhost.declareExchange("t", ExchangeType.TOPIC, ExchangeSettings.plain());
        boundQueue("own", "t", "a.own");
        boundQueue("cc", "t", "a.*.cc");
        boundQueue("bcc", "t", "#.bcc");
        boundQueue("number", "t", "5");

        Set<String> reached = publish("t", message("a.own", Unpooled.copiedBuffer("x", StandardCharsets.UTF_8),
                Map.of("CC", List.of(new StringBuilder("a.b.cc"), 5), "BCC", List.of("z.bcc"))));

        assertEquals(Set.of("own", "cc", "bcc"), reached);
    }

    @Test
    void theBccFreeCopySharesTheBodyAndReleasesItWithItsLastQueue() throws Exception {
        vhost.declareExchange("d", ExchangeType.DIRECT, ExchangeSettings.plain());
        boundQueue("first", "d", "k1");
        boundQueue("second", "d", "k2");
        ByteBuf body = Unpooled.copiedBuffer("shared", StandardCharsets.UTF_8);

        assertEquals(Set.of("first", "second"), publish("d", message("k1", body, Map.of("BCC", List.of("k2")))));

        assertEquals(1, body.refCnt(), "the publisher's message let go; the queues' copy holds the body once");
        vhost.deleteQueue("first", null, false, false).get();
        vhost.deleteQueue("second", null, false, false).get();
        assertEquals(0, body.refCnt());
    }
}
