package dev.junction.core.store.log;

import java.time.Duration;

/**
 * When the log forces written records to stable storage, and therefore when a write is acknowledged.
 * The textual forms are those of the {@code storage.fsync} setting: {@code always}, {@code interval:<ms>}, {@code never}.
 */
public sealed interface FsyncPolicy {

    /** Upper bound for {@code interval:<ms>}: beyond an hour the setting is almost certainly a mistake. */
    long MAX_INTERVAL_MILLIS = 3_600_000;

    FsyncPolicy ALWAYS = new Always();
    FsyncPolicy NEVER = new Never();

    /** Acknowledge a write only after it has been forced to disk; one fsync covers a whole batch. */
    record Always() implements FsyncPolicy {
        @Override
        public String toString() {
            return "always";
        }
    }

    /** Acknowledge after the write reaches the OS; force at most once per period, and at the latest one period after a write. */
    record Interval(Duration period) implements FsyncPolicy {
        public Interval {
            long millis = period.toMillis();
            if (millis < 1 || millis > MAX_INTERVAL_MILLIS) {
                throw new IllegalArgumentException("fsync interval must be between 1 and " + MAX_INTERVAL_MILLIS + " ms, got " + period);
            }
        }

        @Override
        public String toString() {
            return "interval:" + period.toMillis();
        }
    }

    /** Acknowledge after the write reaches the OS; the OS decides when to write back (the log forces only on close). */
    record Never() implements FsyncPolicy {
        @Override
        public String toString() {
            return "never";
        }
    }

    static FsyncPolicy interval(long millis) {
        return new Interval(Duration.ofMillis(millis));
    }

    /**
     * Parses {@code always}, {@code never} or {@code interval:<ms>}.
     *
     * @throws IllegalArgumentException naming the accepted forms when {@code text} is none of them
     */
    static FsyncPolicy parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("fsync policy is missing: expected always, never or interval:<milliseconds>");
        }
        if (text.equals("always")) {
            return ALWAYS;
        }
        if (text.equals("never")) {
            return NEVER;
        }
        String prefix = "interval:";
        if (text.startsWith(prefix)) {
            String digits = text.substring(prefix.length());
            // Only plain decimal digits: Long.parseLong would also accept "+5", which no one means.
            if (!digits.isEmpty() && digits.length() <= 10 && digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                long millis = Long.parseLong(digits);
                if (millis >= 1 && millis <= MAX_INTERVAL_MILLIS) {
                    return interval(millis);
                }
            }
        }
        throw new IllegalArgumentException("invalid fsync policy '" + text
                + "': expected always, never or interval:<milliseconds> with milliseconds between 1 and " + MAX_INTERVAL_MILLIS);
    }
}
