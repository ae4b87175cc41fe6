package dev.junction.core.exchange;

import dev.junction.core.BrokerException;
import dev.junction.core.message.Message;
import dev.junction.core.queue.Queue;

import java.util.function.Function;

/**
 * AMQP's nameless direct exchange: every queue is implicitly bound to it with its own name as the key, and no
 * other binding may be made.
 */
public final class DefaultExchange extends KeyedExchange {
    private final Function<String, Queue> queues;

    public DefaultExchange(Function<String, Queue> queues) {
        super("", ExchangeSettings.builtIn());
        this.queues = queues;
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.DIRECT;
    }

    @Override
    protected void routeByKey(Message message, String routingKey, RouteCollector collector) {
        Queue queue = queues.apply(routingKey);
        if (queue != null) {
            queue.accept(message, collector);
        }
    }

    @Override
    protected void indexBinding(Binding binding) {
        throw BrokerException.accessRefused("operation not permitted on the default exchange");
    }

    @Override
    protected void unindexBinding(Binding binding) {
        throw BrokerException.accessRefused("operation not permitted on the default exchange");
    }
}
