package dev.junction.server.limits;

import dev.junction.server.net.ProtocolListener;
import io.netty.channel.Channel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits every listener and both protocols share: the connection counts (total, per address, per user) and
 * the hit counters. One per running server.
 */
public final class Limits {
    private final LimitSettings settings;
    private final LimitHits hits = new LimitHits();
    private final ConnectionGate gate;
    /**
     * Management has its own counts, so that a broker full of clients can still be looked at, while neither one
     * address nor a crowd of unauthenticated sockets can hold every management socket.
     */
    private final ConnectionGate managementGate;
    private final Map<String, Integer> connectionsByUser = new ConcurrentHashMap<>();

    public Limits(LimitSettings settings) {
        this.settings = settings;
        this.gate = new ConnectionGate(settings.maxConnections(), Limit.MAX_CONNECTIONS,
                settings.maxConnectionsPerAddress(), hits);
        this.managementGate = new ConnectionGate(settings.maxManagementConnections(), Limit.HTTP_MAX_CONNECTIONS,
                settings.maxConnectionsPerAddress(), hits);
    }

    public static Limits none() {
        return new Limits(LimitSettings.NONE);
    }

    public LimitSettings settings() {
        return settings;
    }

    public LimitHits hits() {
        return hits;
    }

    /**
     * The listener with the connection counts checked as each socket is accepted, before any handler (TLS
     * included) is added: a socket over a limit is closed with an empty pipeline, so not one byte of it is read.
     */
    public ProtocolListener guard(ProtocolListener listener) {
        return guard(listener, gate);
    }

    /**
     * The management listener (HTTP or HTTPS) with {@code http.max_connections} and
     * {@code limits.max_connections_per_address} checked on accept.
     */
    public ProtocolListener guardManagement(ProtocolListener listener) {
        return guard(listener, managementGate);
    }

    private static ProtocolListener guard(ProtocolListener listener, ConnectionGate gate) {
        return new ProtocolListener(listener.protocol(), pipeline -> {
            if (gate.admit(pipeline.channel())) {
                listener.pipelineInitializer().accept(pipeline);
            } else {
                pipeline.channel().close();
            }
        });
    }

    /** The limits as one connection meets them; create it when the connection's handler is added. */
    public ConnectionLimits forConnection(Channel channel) {
        return new ConnectionLimits(this, channel);
    }

    /** Takes one of the user's connections, given back when {@code channel} closes; false when none is left. */
    boolean claimUserConnection(String user, Channel channel) {
        int max = settings.maxConnectionsPerUser();
        if (max == 0) {
            return true;
        }
        boolean[] claimed = new boolean[1];
        // Counted inside the map's atomic update, so that a count reaching zero and removed cannot lose a claim.
        connectionsByUser.compute(user, (name, count) -> {
            int open = count == null ? 0 : count;
            claimed[0] = open < max;
            return claimed[0] ? open + 1 : count;
        });
        if (claimed[0]) {
            channel.closeFuture().addListener(closed ->
                    connectionsByUser.computeIfPresent(user, (name, count) -> count == 1 ? null : count - 1));
        }
        return claimed[0];
    }

    void hit(Limit limit) {
        hits.hit(limit);
    }
}
