package dev.junction.server.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How long to hold back the refusal of a login, per source address: the first failure is answered at once, each
 * further one after twice the previous delay (from {@link #FIRST_DELAY}) up to the configured maximum. A success
 * from the address, or {@link #EXPIRY} without a failure, starts it over. Guessing passwords from one address
 * slows to one try per maximum delay; a client that mistyped once is not held back.
 */
final class FailedLogins {
    static final Duration FIRST_DELAY = Duration.ofMillis(250);
    static final Duration EXPIRY = Duration.ofMinutes(5);
    /** Addresses tracked at most; beyond it, expired entries are dropped and new addresses are not tracked. */
    private static final int CAPACITY = 100_000;

    private record Failures(int count, long lastNanos) {
    }

    private final long maxDelayMillis;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<InetAddress, Failures> byAddress = new ConcurrentHashMap<>();

    FailedLogins(Duration maxDelay, LongSupplier nanoTime) {
        this.maxDelayMillis = maxDelay.toMillis();
        this.nanoTime = nanoTime;
    }

    /** Counts a failed login from {@code from} (null: no network peer, never delayed); returns the delay. */
    long failedMillis(InetAddress from) {
        if (maxDelayMillis == 0 || from == null) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        if (byAddress.size() >= CAPACITY && !byAddress.containsKey(from)) {
            byAddress.values().removeIf(failures -> expired(failures, now));
            if (byAddress.size() >= CAPACITY) {
                return 0;
            }
        }
        Failures failures = byAddress.merge(from, new Failures(1, now),
                (old, first) -> expired(old, now) ? first : new Failures(old.count() + 1, now));
        return delayMillis(failures.count());
    }

    void succeeded(InetAddress from) {
        if (from != null) {
            byAddress.remove(from);
        }
    }

    private long delayMillis(int failures) {
        if (failures <= 1) {
            return 0;
        }
        // 250 ms << (failures - 2), without overflowing for an address that keeps failing.
        int doublings = Math.min(failures - 2, 30);
        return Math.min(maxDelayMillis, FIRST_DELAY.toMillis() << doublings);
    }

    private static boolean expired(Failures failures, long now) {
        return now - failures.lastNanos() > EXPIRY.toNanos();
    }
}
