package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpFrameDecoder;
import dev.junction.amqp.codec.AmqpFrameEncoder;
import dev.junction.core.Broker;
import dev.junction.server.limits.HandshakeDeadline;
import dev.junction.server.limits.Limit;
import dev.junction.server.limits.Limits;
import dev.junction.server.net.Protocol;
import dev.junction.server.net.ProtocolListener;
import io.netty.channel.ChannelPipeline;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * AMQP 0-9-1 for the daemon: what every AMQP connection shares (the broker, the limits, the users, direct
 * reply-to addresses) and the pipeline each accepted socket gets. The daemon registers
 * {@link #initPipeline(ChannelPipeline)} as the AMQP listener's initializer; the resource alarms call
 * {@link #blockPublishers(String)} and {@link #unblockPublishers()}.
 */
public final class AmqpService {
    private final Broker broker;
    private final AmqpSettings settings;
    private final AmqpUsers users;
    private final Limits limits;
    private final DirectReplyTo directReplyTo = new DirectReplyTo();
    private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile String blockedReason;

    public AmqpService(Broker broker, AmqpSettings settings, AmqpUsers users) {
        this(broker, settings, users, Limits.none());
    }

    public AmqpService(Broker broker, AmqpSettings settings, AmqpUsers users, Limits limits) {
        this.limits = limits;
        this.broker = broker;
        this.settings = settings;
        this.users = users;
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

    /** Open AMQP connections, for the management endpoint and tests. */
    public int connectionCount() {
        return connections.size();
    }

    Broker broker() {
        return broker;
    }

    AmqpSettings settings() {
        return settings;
    }

    Limits limits() {
        return limits;
    }

    AmqpUsers users() {
        return users;
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
