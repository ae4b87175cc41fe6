package dev.junction.server.limits;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts accepted sockets against a total ({@code limits.max_connections} over every messaging listener,
 * {@code http.max_connections} over the management ones) and {@code limits.max_connections_per_address}. A full broker under a connection flood would log a line per refused socket, so refusals are
 * logged at most once a minute per limit, with how many there were.
 */
final class ConnectionGate {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);
    private static final long LOG_PERIOD_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final int maxConnections;
    private final Limit totalLimit;
    private final int maxConnectionsPerAddress;
    private final LimitHits hits;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<InetAddress, Integer> openByAddress = new ConcurrentHashMap<>();
    private final RefusalLog totalRefusals = new RefusalLog();
    private final RefusalLog addressRefusals = new RefusalLog();

    /** A limit of 0 is off; {@code totalLimit} is the key that sets {@code maxConnections}. */
    ConnectionGate(int maxConnections, Limit totalLimit, int maxConnectionsPerAddress, LimitHits hits) {
        this.maxConnections = maxConnections;
        this.totalLimit = totalLimit;
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        this.hits = hits;
    }

    /** Counts the accepted socket until it closes; false, counted as a hit, when a limit is full. */
    boolean admit(Channel channel) {
        if (open.incrementAndGet() > maxConnections && maxConnections > 0) {
            open.decrementAndGet();
            refused(totalLimit, totalRefusals, maxConnections + " connections are open");
            return false;
        }
        InetAddress address = channel.remoteAddress() instanceof InetSocketAddress socket
                ? socket.getAddress() : null;
        boolean perAddress = address != null && maxConnectionsPerAddress > 0;
        if (perAddress && !claim(address)) {
            open.decrementAndGet();
            refused(Limit.MAX_CONNECTIONS_PER_ADDRESS, addressRefusals, maxConnectionsPerAddress
                    + " connections from " + address.getHostAddress() + " are open");
            return false;
        }
        channel.closeFuture().addListener(closed -> {
            open.decrementAndGet();
            if (perAddress) {
                openByAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
            }
        });
        return true;
    }

    private boolean claim(InetAddress address) {
        boolean[] claimed = new boolean[1];
        // Counted inside the map's atomic update, so that a count reaching zero and removed cannot lose a claim.
        openByAddress.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            claimed[0] = current < maxConnectionsPerAddress;
            return claimed[0] ? current + 1 : count;
        });
        return claimed[0];
    }

    private void refused(Limit limit, RefusalLog refusals, String why) {
        hits.hit(limit);
        long refused = refusals.due();
        if (refused > 0) {
            log.warn("Refusing connections: {} ({}); {} refused since the last such line", why, limit.label(),
                    refused);
        }
    }

    /** Counts refusals and says when the next log line is due. */
    private static final class RefusalLog {
        private final AtomicLong refused = new AtomicLong();
        private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_PERIOD_NANOS);

        /** The refusals to report now, or 0 while the last report is less than a period old. */
        long due() {
            refused.incrementAndGet();
            long last = lastLogged.get();
            long now = System.nanoTime();
            if (now - last >= LOG_PERIOD_NANOS && lastLogged.compareAndSet(last, now)) {
                return refused.getAndSet(0);
            }
            return 0;
        }
    }
}
