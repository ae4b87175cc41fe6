package dev.junction.core.exchange;

import java.util.Locale;

/** The four exchange types of AMQP 0-9-1; the name is what clients send in exchange.declare. */
public enum ExchangeType {
    DIRECT,
    FANOUT,
    TOPIC,
    HEADERS;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Returns null for a name that is not an exchange type, so callers pick their own error. */
    public static ExchangeType fromWireName(String name) {
        for (ExchangeType type : values()) {
            if (type.wireName().equals(name)) {
                return type;
            }
        }
        return null;
    }
}
