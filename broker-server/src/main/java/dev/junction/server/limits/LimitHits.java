package dev.junction.server.limits;

import java.util.concurrent.atomic.LongAdder;

/** How often each limit was hit since start, for {@code /metrics}. */
public final class LimitHits {
    private final LongAdder[] counts = new LongAdder[Limit.values().length];

    LimitHits() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    void hit(Limit limit) {
        counts[limit.ordinal()].increment();
    }

    public long count(Limit limit) {
        return counts[limit.ordinal()].sum();
    }
}
