package dev.junction.server.limits;

/**
 * A token bucket of {@code limits.publish_rate}: one token per message, refilled continuously at the rate, holding
 * at most one second's worth. Messages already read when it runs dry are still taken (the bucket goes into debt):
 * the connection is only ever slowed by not reading, never by holding messages back.
 */
final class PublishRate {
    private static final double NANOS_PER_SECOND = 1e9;

    private final double nanosPerToken;
    private final double capacity;
    private double tokens;
    private long refilledAt;

    PublishRate(int perSecond, long nowNanos) {
        this.nanosPerToken = NANOS_PER_SECOND / perSecond;
        this.capacity = perSecond;
        this.tokens = perSecond;
        this.refilledAt = nowNanos;
    }

    /** Takes a token; returns how long to wait until the next one, 0 when one is there already. */
    long take(long nowNanos) {
        refill(nowNanos);
        tokens -= 1;
        return waitNanos(nowNanos);
    }

    long waitNanos(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * nanosPerToken);
    }

    private void refill(long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - refilledAt) / nanosPerToken);
        refilledAt = nowNanos;
    }
}
