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
     * The limits for one queue: its own {@code x-flow-high-watermark} (Junction's argument, in ready messages; 0
     * means the queue never holds its publishers back) replaces the broker-wide message mark, the byte mark stays.
     */
    FlowLimits within(QueueArguments arguments) {
        Long own = arguments.flowHighWatermark();
        if (own == null) {
            return this;
        }
        return own == 0 ? NONE : new FlowLimits((int) Math.min(Integer.MAX_VALUE, own), highBytes);
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
