package dev.junction.core.exchange;

/** Creates the exchange implementation for a type. */
public final class ExchangeFactory {
    private ExchangeFactory() {
    }

    public static Exchange create(String name, ExchangeType type, ExchangeSettings settings) {
        return switch (type) {
            case DIRECT -> new DirectExchange(name, settings);
            case FANOUT -> new FanoutExchange(name, settings);
            case TOPIC -> new TopicExchange(name, settings);
            case HEADERS -> new HeadersExchange(name, settings);
        };
    }
}
