package dev.junction.core.queue;

/** Why a queue dead-lettered a message; the value is what RabbitMQ writes in the x-death header. */
public enum DeadLetterReason {
    REJECTED("rejected"),
    EXPIRED("expired"),
    MAXLEN("maxlen");

    private final String headerValue;

    DeadLetterReason(String headerValue) {
        this.headerValue = headerValue;
    }

    public String headerValue() {
        return headerValue;
    }
}
