package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpFrameDecoder;
import dev.junction.amqp.codec.AmqpFrameEncoder;
import dev.junction.core.Broker;
import dev.junction.server.auth.Logins;
import dev.junction.server.auth.PermissionLookup;
import dev.junction.server.limits.HandshakeDeadline;
import dev.junction.server.limits.Limit;
import dev.junction.server.limits.Limits;
import dev.junction.server.net.Protocol;
import dev.junction.server.stats.MessageCounters;
import dev.junction.server.net.ProtocolListener;
import io.netty.channel.ChannelPipeline;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AMQP 0-9-1 for the daemon: what every AMQP connection shares (the broker, the limits, the users, direct
 * reply-to addresses) and the pipeline each accepted socket gets. The daemon registers
 * {@link #initPipeline(ChannelPipeline)} as the AMQP listener's initializer; the resource alarms call
 * {@link #blockPublishers(String)} and {@link #unblockPublishers()}; whoever changes a user's permissions calls
 * {@link #permissionsChanged(String, String)}.
 */
public final class AmqpService {
    private final Broker broker;
    private final AmqpSettings settings;
    private final Logins logins;
    private final PermissionLookup permissions;
    private final Limits limits;
    private final DirectReplyTo directReplyTo = new DirectReplyTo();
    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private final MessageCounters messages = new MessageCounters();
    private volatile String blockedReason;

    public AmqpService(Broker broker, AmqpSettings settings, Logins logins, PermissionLookup permissions,
                       Limits limits) {
        this.broker = broker;
        this.settings = settings;
        this.logins = logins;
        this.permissions = permissions;
        this.limits = limits;
    }

    /** The AMQP listener for {@code JunctionServer.start}. */
    public ProtocolListener listener() {
        return new ProtocolListener(Protocol.AMQP, this::initPipeline);
    }

    public void initPipeline(ChannelPipeline pipeline) {
        HandshakeDeadline.add(pipeline, limits.settings().amqpHandshakeTimeout(), Limit.AMQP_HANDSHAKE_TIMEOUT,
                limits);
        pipeline.addLast("amqp-header-probe", new ProtocolHeaderProbe());
        AmqpFrameDecoder decoder = new AmqpFrameDecoder();
        decoder.setMaxBodySize(settings.maxMessageSize());
        pipeline.addLast("amqp-decoder", decoder);
        pipeline.addLast("amqp-encoder", new AmqpFrameEncoder());
        pipeline.addLast("amqp-connection", new AmqpConnection(this));
    }

    /**
     * A broker-wide alarm (memory, disk): connections that publish stop being read and, if they asked for it,
     * get connection.blocked with the reason, as RabbitMQ does.
     */
    public void blockPublishers(String reason) {
        blockedReason = reason;
        connections.forEach(connection -> connection.execute(connection::applyBlocking));
    }

    public void unblockPublishers() {
        blockedReason = null;
        connections.forEach(connection -> connection.execute(connection::applyBlocking));
    }

    /**
     * The user's permissions on the vhost changed: its open connections there look them up again and apply them
     * to every later operation, as RabbitMQ does when it clears its per-channel permission cache. The future
     * completes once every open connection has applied the change, so that a caller can answer only then.
     */
    public CompletableFuture<Void> permissionsChanged(String user, String vhost) {
        return CompletableFuture.allOf(connections.stream().map(connection -> {
            CompletableFuture<Void> applied = new CompletableFuture<>();
            connection.execute(() -> {
                connection.permissionsChanged(user, vhost);
                applied.complete(null);
            });
            return applied;
        }).toArray(CompletableFuture[]::new));
    }

    /** Closes every connection of a user that was just deleted, each on its own event loop. */
    public void userDeleted(String user) {
        connections.forEach(connection -> connection.execute(() -> connection.userDeleted(user)));
    }

    /** Open AMQP connections, for the management endpoint and tests. */
    public int connectionCount() {
        return connections.size();
    }

    /** AMQP's message flow since start, for the metrics endpoint. */
    public MessageCounters messages() {
        return messages;
    }

    Broker broker() {
        return broker;
    }

    AmqpSettings settings() {
        return settings;
    }

    Logins logins() {
        return logins;
    }

    PermissionLookup permissions() {
        return permissions;
    }

    Limits limits() {
        return limits;
    }

    DirectReplyTo directReplyTo() {
        return directReplyTo;
    }

    String blockedReason() {
        return blockedReason;
    }

    void opened(AmqpConnection connection) {
        connections.add(connection);
    }

    void closed(AmqpConnection connection) {
        connections.remove(connection);
    }
}
