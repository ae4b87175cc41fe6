package dev.junction.server.mqtt;

import dev.junction.core.Broker;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Queue;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttDecoder;
import dev.junction.mqtt.codec.MqttEncoder;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.server.auth.Logins;
import dev.junction.server.acl.MqttAcl;
import dev.junction.server.limits.Limits;
import dev.junction.server.net.Protocol;
import dev.junction.server.net.ProtocolListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.junction.core.store.StoreListener;
import dev.junction.server.stats.MessageCounters;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Optional;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT side of the broker: what every MQTT connection shares (settings, sessions, retained messages,
 * statistics) and the pipeline each new connection gets.
 */
public final class MqttBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MqttBroker.class);
    private final MqttSettings settings;
    private final VirtualHost vhost;
    private final RetainedMessages retained = new RetainedMessages();
    private final MqttStats stats = new MqttStats();
    private final MqttAuthenticator authenticator;
    private final MqttDurableState durable;
    private final Set<MqttConnection> connections = ConcurrentHashMap.newKeySet();
    private volatile String blockedReason;
    private final SessionRegistry sessions;
    private final ConnectionServices connectionServices;
    private static final String WEBSOCKET_PATH = "/mqtt";
    /** "mqttv3.1" is what MQTT 3.1 era clients (and some browsers' libraries) still ask for. */
    private static final String WEBSOCKET_SUBPROTOCOLS = "mqtt,mqttv3.1";
    private static final int WEBSOCKET_HANDSHAKE_LIMIT = 8192;
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

    private final DefaultEventExecutor sysExecutor = new DefaultEventExecutor(
            new DefaultThreadFactory("junction-mqtt-sys", true));
    private final ScheduledFuture<?> sysTask;

    public MqttBroker(Broker core, MqttSettings settings, Logins logins, MqttAcl acl, Limits limits) {
        this.settings = settings;
        this.vhost = core.addVirtualHost(settings.vhost());
        if (vhost.exchange(settings.exchange()) == null) {
            throw new IllegalArgumentException("mqtt.exchange '" + settings.exchange() + "' does not exist in vhost '"
                    + settings.vhost() + "'");
        }
        this.durable = new MqttDurableState(core.definitions());
        MqttPublisher publisher = new MqttPublisher(vhost, settings.exchange(), retained, stats, durable);
        durable.takeRetained(core).forEach(publisher::restoreRetained);
        Map<String, MqttDurableState.RecoveredSession> recovered = durable.takeSessions(core);
        deleteOrphanSessionQueues(recovered.keySet());
        SessionQueueLimits.apply(vhost, settings, recovered.keySet());
        SharedGroups sharedGroups = new SharedGroups(vhost, settings.exchange(), settings.sharedSubscriptionSelection());
        sharedGroups.recover(recovered);
        this.sessions = new SessionRegistry(new SessionServices(settings, vhost, durable, stats, retained,
                sharedGroups, publisher), recovered);
        this.authenticator = new MqttAuthenticator(logins, settings.vhost(), settings.allowAnonymous());
        this.connectionServices = new ConnectionServices(settings, limits, stats, authenticator, acl, sessions,
                publisher, () -> blockedReason != null, connections);
        SysTopics sysTopics = new SysTopics(publisher, retained, sessions, stats);
        long period = settings.sysInterval().toMillis();
        sysTask = sysExecutor.scheduleAtFixedRate(sysTopics::publish, 0, period, TimeUnit.MILLISECONDS);
        // A session recovered from the store whose client never comes back expires like any other, after its own
        // interval counted from the start of this run.
        sessions.expireRecoveredAfter(sysExecutor, settings.sessionExpiry());
    }

    /**
     * A durable session queue without its session record is what a crash leaves between declaring a persistent
     * session's queue and recording the session, or between forgetting a session and deleting its queue. Kept, it
     * would refuse its client's next clean-session CONNECT (a queue of that name with other settings).
     */
    private void deleteOrphanSessionQueues(Set<String> sessionClientIds) {
        Set<String> sessionQueues = new HashSet<>();
        sessionClientIds.forEach(clientId -> sessionQueues.add(MqttSession.queueName(clientId)));
        for (Queue queue : List.copyOf(vhost.queues())) {
            if (MqttSession.isSessionQueue(queue.name()) && !sessionQueues.contains(queue.name())) {
                log.info("Deleting '{}': a session queue whose session was not recorded", queue.name());
                vhost.deleteQueue(queue.name(), null, false, false);
            }
        }
    }

    /** Sets up an accepted connection's pipeline (TCP, or the frames of a WebSocket). */
    public void initPipeline(ChannelPipeline pipeline) {
        pipeline.addLast("mqtt-decoder", new MqttDecoder(settings.maxPacketSize()));
        pipeline.addLast("mqtt-encoder", MqttEncoder.INSTANCE);
        pipeline.addLast("mqtt-connection", new MqttConnection(connectionServices));
    }

    /** The MQTT listeners to hand to the daemon: plain TCP on {@code mqtt.port}, WebSocket on {@code mqtt.ws.port}. */
    public List<ProtocolListener> listeners() {
        return List.of(new ProtocolListener(Protocol.MQTT, this::initPipeline),
                new ProtocolListener(Protocol.MQTT_WEBSOCKET, this::initWebSocketPipeline));
    }

    /** MQTT in binary WebSocket frames on path {@code /mqtt}, subprotocol {@code mqtt} [MQTT-6.0.0-3]. */
    public void initWebSocketPipeline(ChannelPipeline pipeline) {
        pipeline.addLast("http", new HttpServerCodec());
        pipeline.addLast("http-aggregator", new HttpObjectAggregator(WEBSOCKET_HANDSHAKE_LIMIT));
        pipeline.addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(WEBSOCKET_PATH).subprotocols(WEBSOCKET_SUBPROTOCOLS)
                .maxFramePayloadLength(settings.maxPacketSize()).build()));
        pipeline.addLast("websocket-frames", new WebSocketFrames());
        initPipeline(pipeline);
    }

    /**
     * A broker-wide alarm (disk): connections that have published stop being read until {@link
     * #unblockPublishers()}. MQTT 3.1.1 has no way to tell the client why; the reason is logged.
     */
    public void blockPublishers(String reason) {
        blockedReason = reason;
        connections.forEach(connection -> connection.eventLoop().execute(connection::updateAutoRead));
    }

    public void unblockPublishers() {
        blockedReason = null;
        connections.forEach(connection -> connection.eventLoop().execute(connection::updateAutoRead));
    }

    /** Closes every connection of a user that was just deleted, each on its own event loop, without its will. */
    public void userDeleted(String user) {
        closeConnectionsOf(user, ReasonCode.ADMINISTRATIVE_ACTION, "user '" + user + "' is deleted");
    }

    /** A user who lost every permission on the MQTT vhost may not stay connected, as it may not connect. */
    public void permissionsChanged(String user, String changedVhost) {
        if (changedVhost.equals(settings.vhost()) && !authenticator.mayUseVhost(user)) {
            closeConnectionsOf(user, ReasonCode.NOT_AUTHORIZED,
                    "access to vhost '" + changedVhost + "' was revoked for user '" + user + "'");
        }
    }

    /** MQTT 5 clients are told why: 0x98 (Administrative action) or 0x87 (Not authorized). */
    private void closeConnectionsOf(String user, ReasonCode code, String reason) {
        connections.forEach(connection -> connection.eventLoop().execute(() -> connection.accessRevoked(user,
                code, reason)));
    }

    /** Clients connected now. */
    public int clientsConnected() {
        return stats.clientsConnected.get();
    }

    /** Sessions known now, connected or not. */
    public int sessionCount() {
        return sessions.size();
    }

    /** PUBLISH packets received from clients since start, for the metrics endpoint. */
    public long messagesReceived() {
        return stats.messagesReceived.sum();
    }

    /** PUBLISH packets sent to clients since start, for the metrics endpoint. */
    public long messagesSent() {
        return stats.messagesSent.sum();
    }

    /** Messages not sent to a subscriber for this reason, since start. */
    public long dropped(MqttDropReason reason) {
        return stats.dropped(reason);
    }

    /** MQTT's message flow since start, for the metrics endpoint. */
    public MessageCounters messages() {
        return stats.messages;
    }

    /** The vhost and topic exchange MQTT publishes to ({@code mqtt.vhost}, {@code mqtt.exchange}). */
    public String vhostName() {
        return settings.vhost();
    }

    public String exchangeName() {
        return settings.exchange();
    }

    /** Every session, connected or not, by client id. */
    public CompletableFuture<List<MqttSessionSnapshot>> sessionSnapshots() {
        return sessions.snapshots();
    }

    /** Ends the client's session for good, disconnecting it if connected; false if there is none. */
    public boolean dropSession(String clientId) {
        return sessions.drop(clientId);
    }

    /** The retained messages whose topic matches the filter ({@code $SYS} topics only for a filter naming them). */
    public List<RetainedMessage> retainedMessages(String filter) {
        List<RetainedMessage> found = new ArrayList<>();
        retained.forEachMatching(filter, message -> {
            try {
                found.add(new RetainedMessage(message.mqttTopicName(),
                        MqttPublisher.publishQos(message), message.bodySize(), null));
            } finally {
                message.release();
            }
        });
        found.sort(Comparator.comparing(RetainedMessage::topic));
        return found;
    }

    /** The topic's retained message with a copy of its payload, if it has one. */
    public Optional<RetainedMessage> retainedMessage(String topicName) {
        RetainedMessage[] found = new RetainedMessage[1];
        retained.forEachMatching(topicName, message -> {
            try {
                found[0] = new RetainedMessage(topicName, MqttPublisher.publishQos(message), message.bodySize(),
                        ByteBufUtil.getBytes(message.body()));
            } finally {
                message.release();
            }
        });
        return Optional.ofNullable(found[0]);
    }

    /** Deletes the topic's retained message, from the store too; false if it had none. */
    public boolean deleteRetained(String topicName) {
        if (!retained.remove(topicName)) {
            return false;
        }
        durable.retain(topicName, 0, MessageProperties.EMPTY, Unpooled.EMPTY_BUFFER, StoreListener.NONE);
        return true;
    }

    /** Ends every session (the daemon closes connections first) and releases the retained messages. */
    @Override
    public void close() {
        sysTask.cancel(false);
        sysExecutor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        CompletableFuture.allOf(sessions.all().stream().map(MqttSession::close).toArray(CompletableFuture[]::new))
                .orTimeout(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
        retained.clear();
    }
}
