package dev.junction.core.vhost;

import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AlternateExchangeTest {
    @RegisterExtension
    final TestVirtualHost host = new TestVirtualHost(1);
    private final VirtualHost vhost = host.vhost();

    private List<String> publish(String exchange, String routingKey) {
        Message message = new Message(exchange, routingKey, MessageProperties.EMPTY, Unpooled.buffer(0));
        return vhost.publish(exchange, message).stream().map(Queue::name).toList();
    }

    private void exchange(String name, ExchangeType type, String alternate) {
        vhost.declareExchange(name, type, new ExchangeSettings(false, false, false,
                alternate == null ? Map.of() : Map.of("alternate-exchange", alternate)));
    }

    @Test
    void unroutableMessagesGoToTheAlternateExchange() {
        exchange("unrouted", ExchangeType.FANOUT, null);
        exchange("main", ExchangeType.DIRECT, "unrouted");
        vhost.declareQueue("routed", new QueueSettings(false, null, false, Map.of()));
        vhost.declareQueue("leftovers", new QueueSettings(false, null, false, Map.of()));
        vhost.bindQueue("main", "routed", "known", Map.of(), null);
        vhost.bindQueue("unrouted", "leftovers", "", Map.of(), null);
        assertEquals(List.of("routed"), publish("main", "known"));
        assertEquals(List.of("leftovers"), publish("main", "unknown"));
    }

    @Test
    void alternateCyclesEnd() {
        exchange("a", ExchangeType.DIRECT, "b");
        exchange("b", ExchangeType.DIRECT, "a");
        assertEquals(List.of(), publish("a", "nowhere"));
    }
}
