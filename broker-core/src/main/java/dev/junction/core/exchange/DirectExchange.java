package dev.junction.core.exchange;

import dev.junction.core.message.Message;

import java.util.concurrent.ConcurrentHashMap;

/** Routes a message to the destinations bound with exactly its routing key. */
public final class DirectExchange extends KeyedExchange {
    private final ConcurrentHashMap<String, CopyOnWriteDestinations> byKey = new ConcurrentHashMap<>();

    public DirectExchange(String name, ExchangeSettings settings) {
        super(name, settings);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.DIRECT;
    }

    @Override
    protected void routeByKey(Message message, String routingKey, RouteCollector collector) {
        CopyOnWriteDestinations destinations = byKey.get(routingKey);
        if (destinations != null) {
            for (Destination destination : destinations.snapshot()) {
                destination.accept(message, collector);
            }
        }
    }

    @Override
    protected void indexBinding(Binding binding) {
        byKey.computeIfAbsent(binding.routingKey(), key -> new CopyOnWriteDestinations()).add(binding.destination());
    }

    @Override
    protected void unindexBinding(Binding binding) {
        CopyOnWriteDestinations destinations = byKey.get(binding.routingKey());
        if (destinations != null) {
            destinations.remove(binding.destination());
            if (destinations.isEmpty()) {
                byKey.remove(binding.routingKey());
            }
        }
    }
}
