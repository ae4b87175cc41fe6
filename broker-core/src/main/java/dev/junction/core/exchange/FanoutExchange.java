package dev.junction.core.exchange;

import dev.junction.core.message.Message;

/** Routes every message to every bound destination; the key is ignored. */
public final class FanoutExchange extends Exchange {
    private final CopyOnWriteDestinations destinations = new CopyOnWriteDestinations();

    public FanoutExchange(String name, ExchangeSettings settings) {
        super(name, settings);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.FANOUT;
    }

    @Override
    protected void routeToBindings(Message message, RouteCollector collector) {
        for (Destination destination : destinations.snapshot()) {
            destination.accept(message, collector);
        }
    }

    @Override
    protected void indexBinding(Binding binding) {
        destinations.add(binding.destination());
    }

    @Override
    protected void unindexBinding(Binding binding) {
        destinations.remove(binding.destination());
    }
}
