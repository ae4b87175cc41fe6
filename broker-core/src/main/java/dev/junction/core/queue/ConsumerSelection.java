package dev.junction.core.queue;

/**
 * How a queue picks which of its consumers of equal priority, with credit, gets the next message
 * ({@code x-consumer-selection}, Junction's own argument). Consumer priorities, prefetch and single active consumer
 * apply first, whichever is chosen.
 */
public enum ConsumerSelection {
    /** Each in turn (RabbitMQ's rule): the default. */
    ROUND_ROBIN("round-robin"),
    /** The consumer that took the last message, while it has credit; then the next in turn takes over. */
    STICKY("sticky"),
    /**
     * The consumer picked by a hash of the message's publisher ({@link dev.junction.core.message.Message#publisher}),
     * so that one publisher's messages go to one consumer in order while the set of consumers stays the same; the
     * next message waits while that consumer has no credit. A message without a publisher goes in turn.
     */
    HASH_PUBLISHER("hash-publisher");

    public static final String ARGUMENT = "x-consumer-selection";

    private final String argumentValue;

    ConsumerSelection(String argumentValue) {
        this.argumentValue = argumentValue;
    }

    public String argumentValue() {
        return argumentValue;
    }

    /** The selection an argument value names, or null for none. */
    static ConsumerSelection fromArgument(String value) {
        for (ConsumerSelection selection : values()) {
            if (selection.argumentValue.equals(value)) {
                return selection;
            }
        }
        return null;
    }
}
