package dev.junction.core.store.log;

/**
 * Whether a write's acknowledgement waits for the fsync policy's promise, or only for the write.
 *
 * <p>Only {@code always} tells the two apart: under {@code interval} and {@code never} every write is acknowledged
 * once the OS has it anyway.
 */
public enum Durability {
    /** The listener hears of the write once it is as durable as the policy promises: under {@code always}, forced. */
    REQUIRED,
    /**
     * The listener hears of the write once the OS has it. Under {@code always} it is forced with the next batch that
     * holds a {@link #REQUIRED} write, when its segment is sealed, or on close, whichever comes first: a power cut
     * before then may lose it. For writes whose loss only repeats work, such as the release of a settled message
     * (which then comes back and is delivered again).
     */
    DEFERRED
}
