package dev.junction.core.exchange;

import dev.junction.core.message.Message;

/**
 * An exchange that routes by routing key: by the message's own and by each one its sender selected
 * ({@link dev.junction.core.message.SenderSelected}), which the route collector holds for the whole publish, so
 * that exchanges reached through exchange-to-exchange bindings route by all of them too.
 */
abstract class KeyedExchange extends Exchange {
    KeyedExchange(String name, ExchangeSettings settings) {
        super(name, settings);
    }

    @Override
    protected final void routeToBindings(Message message, RouteCollector collector) {
        routeByKey(message, message.routingKey(), collector);
        for (String key : collector.extraKeys()) {
            routeByKey(message, key, collector);
        }
    }

    protected abstract void routeByKey(Message message, String routingKey, RouteCollector collector);
}
