package dev.junction.server.limits;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The limits as one connection meets them: every hit is counted, and logged the first time this connection hits
 * that limit. Also the connection's publish token bucket. Used on the connection's event loop only.
 */
public final class ConnectionLimits {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

    private final Limits limits;
    private final Channel channel;
    private final Set<Limit> logged = EnumSet.noneOf(Limit.class);
    private final PublishRate publishRate;
    private boolean resumeScheduled;

    ConnectionLimits(Limits limits, Channel channel) {
        this.limits = limits;
        this.channel = channel;
        int rate = limits.settings().publishRate();
        this.publishRate = rate == 0 ? null : new PublishRate(rate, System.nanoTime());
    }

    /** Counts a hit of {@code limit}; the first one on this connection is logged with {@code detail}. */
    public void hit(Limit limit, String detail) {
        limits.hit(limit);
        if (logged.add(limit)) {
            log.info("Connection from {}: {} reached ({}); logged once per connection", channel.remoteAddress(),
                    limit.label(), detail);
        }
    }

    /**
     * Takes one of the user's {@code limits.max_connections_per_user} connections until this one closes; false,
     * counted and logged, when the user has none left.
     */
    public boolean claimUserConnection(String user) {
        if (limits.claimUserConnection(user, channel)) {
            return true;
        }
        hit(Limit.MAX_CONNECTIONS_PER_USER, "user '" + user + "' already has "
                + limits.settings().maxConnectionsPerUser() + " connections");
        return false;
    }

    public int maxSubscriptions() {
        return limits.settings().maxSubscriptions();
    }

    /**
     * Spends a token on a message just published. When the bucket is empty the connection must stop reading:
     * this returns true and runs {@code resume} on the event loop once a token is back, when
     * {@link #publishPaused()} has turned false again.
     */
    public boolean throttlePublish(Runnable resume) {
        if (publishRate == null) {
            return false;
        }
        long wait = publishRate.take(System.nanoTime());
        if (wait == 0 || resumeScheduled) {
            return resumeScheduled;
        }
        hit(Limit.PUBLISH_RATE, limits.settings().publishRate() + " messages per second");
        scheduleResume(wait, resume);
        return true;
    }

    /** Whether reading stays off until the publish bucket has a token again. */
    public boolean publishPaused() {
        return resumeScheduled;
    }

    private void scheduleResume(long waitNanos, Runnable resume) {
        resumeScheduled = true;
        channel.eventLoop().schedule(() -> {
            long more = publishRate.waitNanos(System.nanoTime());
            if (more > 0) {
                scheduleResume(more, resume);
                return;
            }
            resumeScheduled = false;
            resume.run();
        }, waitNanos, TimeUnit.NANOSECONDS);
    }
}
