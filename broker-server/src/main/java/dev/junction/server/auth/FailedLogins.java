package dev.junction.server.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When to answer the refusal of a login, counted both per user name and per source address, over every protocol:
 * the first failure of a user or an address is answered at once, each further one {@link #FIRST_DELAY} and then
 * twice the previous delay (up to the configured maximum) after the previous refusal of that user or address was
 * answered, whichever is later. Refusals are spaced in time, not only delayed, so guesses sent in parallel are
 * answered one per maximum delay as surely as guesses sent one after another, and spreading them over many
 * addresses still meets the user's count. A success from an address is answered no earlier than that address's
 * last refusal, or guessing in parallel would find the right password as fast as ever; it is never held back for
 * its user's count, which anyone could otherwise use to lock a user out. A success starts its own user's count
 * over but never an address's, so that the attacker's own valid account cannot reset the count; {@link #EXPIRY}
 * without a failure starts a count over too. A client that mistyped once is not held back.
 */
final class FailedLogins {
    static final Duration FIRST_DELAY = Duration.ofMillis(250);
    static final Duration EXPIRY = Duration.ofMinutes(5);
    /** Users and addresses tracked at most, each; beyond it, expired entries are dropped and new ones not tracked. */
    private static final int CAPACITY = 100_000;

    /** {@code count} failures, the last at {@code lastNanos}, the last refusal due at {@code dueNanos}. */
    private record Failures(int count, long lastNanos, long dueNanos) {
    }

    private final long maxDelayNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<InetAddress, Failures> byAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Failures> byUser = new ConcurrentHashMap<>();

    FailedLogins(Duration maxDelay, LongSupplier nanoTime) {
        this.maxDelayNanos = maxDelay.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Counts a failed login of {@code user} (null: none given) from {@code from} (null: no network peer); returns
     * in how many milliseconds its refusal is due.
     */
    long failedMillis(String user, InetAddress from) {
        if (maxDelayNanos == 0) {
            return 0;
        }
        long now = nanoTime.getAsLong();
        long due = Math.max(count(byAddress, from, now), count(byUser, user, now));
        return Duration.ofNanos(due - now).toMillis();
    }

    /**
     * A login of {@code user} from {@code from} succeeded: its own count starts over, no address's does. Returns
     * in how many milliseconds the success may be answered: not before the address's last refusal, so that a right
     * guess among many sent in parallel from one address is not told apart by coming back first.
     */
    long succeededMillis(String user, InetAddress from) {
        if (user != null) {
            byUser.remove(user);
        }
        Failures failures = from == null ? null : byAddress.get(from);
        if (failures == null) {
            return 0;
        }
        return Math.max(0, Duration.ofNanos(failures.dueNanos() - nanoTime.getAsLong()).toMillis());
    }

    /** When the refusal of this failure of {@code key} is due (now for a key not counted). */
    private <K> long count(ConcurrentHashMap<K, Failures> counts, K key, long now) {
        if (key == null) {
            return now;
        }
        if (counts.size() >= CAPACITY && !counts.containsKey(key)) {
            counts.values().removeIf(failures -> expired(failures, now));
            if (counts.size() >= CAPACITY) {
                return now;
            }
        }
        return counts.merge(key, new Failures(1, now, now), (old, first) -> expired(old, now) ? first
                : new Failures(old.count() + 1, now, Math.max(now, old.dueNanos()) + delayNanos(old.count() + 1)))
                .dueNanos();
    }

    private long delayNanos(int failures) {
        // 250 ms << (failures - 2), without overflowing for a key that keeps failing.
        int doublings = Math.min(failures - 2, 30);
        return Math.min(maxDelayNanos, FIRST_DELAY.toNanos() << doublings);
    }

    private static boolean expired(Failures failures, long now) {
        return now - failures.lastNanos() > EXPIRY.toNanos();
    }
}
