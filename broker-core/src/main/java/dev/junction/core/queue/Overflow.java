package dev.junction.core.queue;

/** What a queue does with a new message when it is at its length or size limit. */
public enum Overflow {
    /** Drops (or dead-letters) the oldest ready message to make room: RabbitMQ's default. */
    DROP_HEAD("drop-head"),
    /** Refuses the new message; a publisher asking for confirmation is told no. */
    REJECT_PUBLISH("reject-publish"),
    /** Refuses the new message as {@link #REJECT_PUBLISH} does, and dead-letters it. */
    REJECT_PUBLISH_DLX("reject-publish-dlx"),
    /**
     * Junction's own: drops the oldest non-persistent ready message to make room, and the oldest of all only when
     * every waiting message is persistent. MQTT offline queues use it so QoS 0 messages go before QoS 1 and 2.
     */
    DROP_TRANSIENT_FIRST("drop-transient-first");

    private final String argumentValue;

    Overflow(String argumentValue) {
        this.argumentValue = argumentValue;
    }

    /** Whether a new message is refused at the limit, rather than an older one dropped to make room. */
    public boolean rejectsNew() {
        return this == REJECT_PUBLISH || this == REJECT_PUBLISH_DLX;
    }

    public String argumentValue() {
        return argumentValue;
    }

    /** Returns null for a value that names no behaviour, so the caller reports it. */
    static Overflow fromArgument(String value) {
        for (Overflow overflow : values()) {
            if (overflow.argumentValue.equals(value)) {
                return overflow;
            }
        }
        return null;
    }
}
