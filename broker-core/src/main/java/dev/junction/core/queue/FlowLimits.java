package dev.junction.core.queue;

/**
 * When a queue with consumers holds its publishers back: once its ready messages reach {@code highMessages} or
 * their bodies {@code highBytes}, until both are back at half of that (the low-water mark, so that publishers are
 * not switched on and off for every message). Zero turns a limit off. A queue without consumers is a buffer by
 * design (an offline MQTT session, a work queue filled before its workers start): only its own x-max-length and
 * the broker's alarms bound it.
 */
public record FlowLimits(int highMessages, long highBytes) {
    /** No flow control: queues never hold publishers back. */
    public static final FlowLimits NONE = new FlowLimits(0, 0);

    public FlowLimits {
        if (highMessages < 0 || highBytes < 0) {
            throw new IllegalArgumentException("flow limits must not be negative: " + highMessages + ", "
                    + highBytes);
        }
    }

    /**
     * The limits for one queue. A queue that overflows by dropping transient messages first (an MQTT session's)
     * holds its publishers back at half its {@code x-max-length} at the latest: a subscriber that is connected but
     * slow then slows the publishers instead of losing messages to the bound, which only an offline session (no
     * consumer, so no hold) still reaches. Other queues keep their overflow as declared (drop-head is the choice
     * of losing old messages rather than slowing anyone).
     */
    FlowLimits within(QueueArguments arguments) {
        if (!enabled() || arguments.overflow() != Overflow.DROP_TRANSIENT_FIRST || arguments.maxLength() == null) {
            return this;
        }
        int bound = (int) Math.max(1, Math.min(Integer.MAX_VALUE, arguments.maxLength() / 2));
        return highMessages > 0 && highMessages <= bound ? this : new FlowLimits(bound, highBytes);
    }

    boolean enabled() {
        return highMessages > 0 || highBytes > 0;
    }

    boolean reachesHigh(int messages, long bytes) {
        return highMessages > 0 && messages >= highMessages || highBytes > 0 && bytes >= highBytes;
    }

    boolean belowLow(int messages, long bytes) {
        return (highMessages == 0 || messages <= highMessages / 2) && (highBytes == 0 || bytes <= highBytes / 2);
    }
}
