package dev.junction.server.mqtt;

import dev.junction.core.BrokerException;
import dev.junction.core.store.StoreCountdown;
import dev.junction.core.queue.PublishRefused;
import dev.junction.core.queue.Queue;
import dev.junction.core.store.StoreListener;
import dev.junction.core.topic.SharedSubscription;
import dev.junction.server.acl.ConnectionAcl;
import dev.junction.server.acl.MqttAcl;
import dev.junction.server.limits.ConnectionLimits;
import dev.junction.server.limits.Limit;
import dev.junction.server.net.CloseReason;
import dev.junction.server.net.ConnectionUser;
import dev.junction.server.net.GracefulClose;
import dev.junction.server.net.PublisherThrottle;
import dev.junction.server.tls.ClientCertificates;
import dev.junction.mqtt.codec.Auth;
import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.ConnectReturnCode;
import dev.junction.server.auth.Login;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MalformedPacket;
import dev.junction.mqtt.codec.MqttChannelVersion;
import dev.junction.mqtt.codec.MqttPacket;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.PingReq;
import dev.junction.mqtt.codec.PingResp;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.PubComp;
import dev.junction.mqtt.codec.PubRec;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.MqttChannelVersion;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.UnacceptableProtocolLevel;
import dev.junction.mqtt.codec.Unsubscribe;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The broker side of one MQTT network connection: CONNECT and authentication, then the packets of a connected
 * client, handed to its {@link MqttSession}. Runs on the channel's event loop, which owns the session while the
 * connection has it.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter implements GracefulClose {
    private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);
    private static final String SYS_PREFIX = "$SYS";

    private enum State { AWAITING_CONNECT, AUTHENTICATING, CONNECTING, CONNECTED, DISCONNECTED }

    private final ConnectionServices services;
    private ChannelHandlerContext ctx;
    private PublisherThrottle throttle;
    private State state = State.AWAITING_CONNECT;
    private ScheduledFuture<?> connectTimeout;
    /** Packets a client sent right behind its CONNECT, held until the session is ready. */
    private final List<Object> early = new ArrayList<>();
    /** Completes once this CONNECT is accepted or refused; the next CONNECT with the same client id waits for it. */
    private final CompletableFuture<Void> sessionDecided = new CompletableFuture<>();
    private MqttSession session;
    /** The AUTH exchanges of a client that connected with an Authentication Method; null for any other. */
    private EnhancedAuthentication enhancedAuth;
    private OrderedAcknowledgements acknowledgements;
    private Connect.Will will;
    private String clientId;
    /** The CONNECT's user name, null for an anonymous client; for the management API. */
    private String user;
    private ConnectionLimits limits;
    private ConnectionAcl acl;
    private SubscriptionRequests subscriptionRequests;
    private boolean counted;
    private boolean flushScheduled;
    /** Whether the client has published on this connection: only publishers are held back by an alarm. */
    private boolean publisher;
    /** What the client declared in CONNECT; a 3.1.1 client gets the defaults, which limit nothing. */
    private ClientCapabilities capabilities = ClientCapabilities.DEFAULTS;
    /** An MQTT 5 connection's inbound topic aliases and receive maximum; null for 3.1.1. */
    private InboundPublishFlow inboundFlow;
    /** The server sent DISCONNECT: nothing more is read or sent on this connection [MQTT-3.14.4-1]. */
    private boolean disconnecting;
    private final Runnable scheduledFlush = () -> {
        flushScheduled = false;
        ctx.flush();
    };

    MqttConnection(ConnectionServices services) {
        this.services = services;
    }

    // ---- Netty events ----

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        ctx = context;
        limits = services.limits().forConnection(context.channel());
        throttle = new PublisherThrottle(context.channel(), this::updateAutoRead);
        acknowledgements = new OrderedAcknowledgements(context.channel().eventLoop(), new AcknowledgementWriter());
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        services.open().add(this);
        long timeout = services.settings().connectTimeout().toMillis();
        connectTimeout = context.executor().schedule(() -> {
            if (state == State.AWAITING_CONNECT) {
                limits.hit(Limit.MQTT_CONNECT_TIMEOUT, "no CONNECT within " + timeout + " ms; closing");
                context.close();
            }
        }, timeout, TimeUnit.MILLISECONDS);
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) {
        if (disconnecting) {
            ReferenceCountUtil.release(msg);
            return;
        }
        String topicViolation = state == State.DISCONNECTED ? null
                : PacketTopicRules.violation(msg, MqttChannelVersion.of(context.channel()));
        if (topicViolation != null) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof Publish && inboundFlow != null) {
                disconnect(ReasonCode.TOPIC_NAME_INVALID, topicViolation);
                return;
            }
            // As a malformed packet: the connection closes (publishing the will of a connected client).
            log.info("Client '{}' at {}: protocol violation ({}); closing", clientId, remote(), topicViolation);
            ctx.close();
            return;
        }
        switch (state) {
            case AWAITING_CONNECT -> awaitingConnect(msg);
            case AUTHENTICATING -> enhancedAuth.beforeConnAck(msg);
            case CONNECTING -> early.add(msg);
            case CONNECTED -> connected(msg);
            case DISCONNECTED -> ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) {
        context.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) {
        if (session != null) {
            session.writabilityChanged();
        }
        if (state == State.CONNECTED) {
            updateAutoRead();
        }
        context.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) {
        if (event instanceof IdleStateEvent) {
            // [MQTT-3.1.2-24] nothing within one and a half keep alive periods.
            closeBecause("keep alive timed out");
            return;
        }
        context.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        log.warn("Client '{}' at {}: closing after an error", clientId, remote(), cause);
        context.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        services.open().remove(this);
        // Whatever became of its session: a later CONNECT with this client id must not wait for it forever.
        sessionDecided.complete(null);
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
        }
        if (enhancedAuth != null) {
            enhancedAuth.finish();
        }
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        acknowledgements.clear();
        if (state == State.CONNECTED) {
            publishWill();
        }
        state = State.DISCONNECTED;
        if (counted) {
            counted = false;
            services.stats().clientsConnected.decrementAndGet();
        }
        if (session != null) {
            MqttSession lost = session;
            session = null;
            lost.connectionLost(this);
        }
        context.fireChannelInactive();
    }

    // ---- before CONNECT ----

    private void awaitingConnect(Object msg) {
        if (msg instanceof Connect connect) {
            connect(connect);
        } else if (msg instanceof UnacceptableProtocolLevel level) {
            log.info("Connection from {}: protocol level {} refused", remote(), level.protocolLevel());
            refuse(ConnectReturnCode.UNACCEPTABLE_PROTOCOL_VERSION);
        } else if (msg instanceof MalformedPacket malformed) {
            closeMalformed(malformed);
        } else {
            // [MQTT-3.1.0-1] the first packet must be CONNECT.
            log.info("Connection from {}: first packet was not CONNECT; closing", remote());
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    private void connect(Connect connect) {
        connectTimeout.cancel(false);
        // Not kept for the life of the connection: an idle connection holds no more than it needs.
        connectTimeout = null;
        boolean generatedId = connect.clientId().isEmpty();
        if (generatedId && !connect.cleanSession()) {
            // [MQTT-3.1.3-8] a persistent session needs an identifier to be found again.
            refuse(ConnectReturnCode.IDENTIFIER_REJECTED);
            return;
        }
        clientId = generatedId ? "junction-" + UUID.randomUUID() : connect.clientId();
        if (connect.version().isMqtt5()) {
            capabilities = ClientCapabilities.of(connect);
            inboundFlow = new InboundPublishFlow(services.settings().mqtt5());
        }
        if (EnhancedAuthentication.requested(connect)) {
            state = State.AUTHENTICATING;
            enhancedAuth = new EnhancedAuthentication(this, services.authenticator(), limits,
                    services.settings().connectTimeout());
            enhancedAuth.begin(connect);
            return;
        }
        // Held back, with what follows the CONNECT, until the login is decided off the event loop.
        state = State.CONNECTING;
        ctx.channel().config().setAutoRead(false);
        services.authenticator().check(connect, ctx.channel().remoteAddress(),
                ClientCertificates.verifiedCommonName(ctx.channel()), ctx.executor())
                .thenAccept(login -> authenticated(connect, login));
    }

    /** On the event loop, once the login is decided (a refusal after its delay). */
    void authenticated(Connect connect, Login login) {
        if ((state != State.CONNECTING && state != State.AUTHENTICATING) || !ctx.channel().isActive()) {
            return;
        }
        // What the client sends from here until CONNACK waits for its session (read no further meanwhile).
        state = State.CONNECTING;
        ctx.channel().config().setAutoRead(false);
        if (!login.accepted()) {
            log.info("Client '{}' at {} ({}) refused: {}", clientId, remote(),
                    login.user() == null ? "anonymous" : "user '" + login.user() + "'", login.detail());
            refuse(MqttAuthenticator.returnCode(login));
            return;
        }
        user = login.user();
        if (user != null && !limits.claimUserConnection(user)) {
            // 3, not 5: the client is authorized, the service is unavailable to it only until one of its other
            // connections closes; a client told "not authorized" would have no reason to try again.
            refuse(ConnectReturnCode.SERVER_UNAVAILABLE);
            return;
        }
        if (user != null) {
            ConnectionUser.loggedIn(ctx.channel(), user);
        }
        acl = services.acl().forClient(user, clientId);
        if (connect.keepAliveSeconds() > 0) {
            long idleMillis = connect.keepAliveSeconds() * 1500L;
            ctx.pipeline().addBefore(ctx.name(), "mqtt-keep-alive",
                    new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        }
        will = connect.will();
        services.sessions().connect(clientId, connect.cleanSession(), this);
    }

    private void refuse(ConnectReturnCode code) {
        refuse(code.reasonCode());
    }

    /** CONNACK with a refusal (as a 3.1.1 return code on a 3.1.1 connection), then the connection closes. */
    void refuse(ReasonCode code) {
        state = State.DISCONNECTED;
        sessionDecided.complete(null);
        ctx.writeAndFlush(ConnAck.refuse(code)).addListener(ChannelFutureListener.CLOSE);
    }

    /** The session could not be set up: CONNACK 3 (server unavailable), and the connection ends. */
    void refuseUnavailable() {
        if (ctx.channel().isActive()) {
            refuse(ConnectReturnCode.SERVER_UNAVAILABLE);
        } else {
            sessionDecided.complete(null);
        }
    }

    /** The client went away while its session was being set up: the next CONNECT for its id may go ahead. */
    void closedBeforeAccepted() {
        sessionDecided.complete(null);
    }

    CompletableFuture<Void> sessionDecided() {
        return sessionDecided;
    }

    /** The session is ready: CONNACK, then whatever the client sent behind its CONNECT. */
    void accepted(MqttSession attached, boolean sessionPresent) {
        assert ctx.executor().inEventLoop() : "a session attaches on its connection's event loop";
        session = attached;
        subscriptionRequests = new SubscriptionRequests(clientId, attached, acl, limits,
                MqttChannelVersion.of(ctx.channel()), capabilities);
        state = State.CONNECTED;
        counted = true;
        services.stats().clientsConnected.incrementAndGet();
        if (inboundFlow != null) {
            // The limits InboundPublishFlow holds the client to; absent, the client would assume 65535 and none.
            MqttSettings.Mqtt5Limits limits = services.settings().mqtt5();
            MqttProperties.Builder properties = enhancedAuth == null ? MqttProperties.builder()
                    : enhancedAuth.connAckProperties().toBuilder();
            ctx.write(new ConnAck(sessionPresent, ReasonCode.SUCCESS, properties
                    .receiveMaximum(limits.receiveMaximum()).topicAliasMaximum(limits.topicAliasMaximum()).build()));
        } else {
            ctx.write(new ConnAck(sessionPresent, ConnectReturnCode.ACCEPTED));
        }
        log.debug("Client '{}' connected from {} (session present: {})", clientId, remote(), sessionPresent);
        // After the session has resent its in-flight messages, which it does right after this returns.
        ctx.executor().execute(() -> {
            List<Object> held = List.copyOf(early);
            early.clear();
            for (Object msg : held) {
                channelRead(ctx, msg);
            }
            ctx.flush();
            updateAutoRead();
        });
        // Last: a takeover by the next CONNECT with this client id runs after the tasks above.
        sessionDecided.complete(null);
    }

    // ---- connected ----

    private void connected(Object msg) {
        if (msg instanceof Publish publish) {
            publish(publish);
        } else if (msg instanceof PubAck ack) {
            session.pubAck(ack.packetId());
            deliveriesChanged();
        } else if (msg instanceof PubRec rec) {
            session.pubRec(rec.packetId(), rec.reasonCode().isFailure());
            deliveriesChanged();
        } else if (msg instanceof PubRel rel) {
            boolean known = session.inboundQos2().awaitsPubRel(rel.packetId());
            PubComp pubComp = known || inboundFlow == null ? new PubComp(rel.packetId())
                    : new PubComp(rel.packetId(), ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.NONE);
            session.inboundQos2().released(rel.packetId(), acknowledgements.afterStore(pubComp));
        } else if (msg instanceof PubComp comp) {
            session.pubComp(comp.packetId());
            deliveriesChanged();
        } else if (msg instanceof Subscribe subscribe) {
            subscribe(subscribe);
        } else if (msg instanceof Unsubscribe unsubscribe) {
            session.recordSubscriptions(acknowledgements.afterStore(subscriptionRequests.unsubscribe(unsubscribe)));
        } else if (msg instanceof PingReq) {
            ctx.write(PingResp.INSTANCE);
        } else if (msg instanceof Disconnect) {
            // [MQTT-3.14.4-3] a clean disconnect discards the will.
            will = null;
            state = State.DISCONNECTED;
            ctx.close();
        } else if (msg instanceof MalformedPacket malformed) {
            closeMalformed(malformed);
        } else if (msg instanceof Auth auth) {
            if (enhancedAuth == null) {
                // [MQTT-4.12.0-7] no AUTH from a client that did not connect with an Authentication Method.
                disconnect(ReasonCode.PROTOCOL_ERROR, "AUTH without enhanced authentication");
            } else {
                enhancedAuth.afterConnAck(auth);
            }
        } else {
            // [MQTT-3.1.0-2] a second CONNECT, or a packet only a server sends.
            ReferenceCountUtil.release(msg);
            closeBecause("protocol violation: unexpected " + msg);
        }
    }

    private void publish(Publish publish) {
        boolean overRate = limits.throttlePublish(this::updateAutoRead);
        if (!publisher || overRate) {
            publisher = true;
            updateAutoRead();
        }
        int qos = publish.qos().value();
        String topicName = publish.topic();
        if (inboundFlow != null) {
            ReasonCode violation = inboundFlow.violation(publish,
                    qos == 2 && session.inboundQos2().awaitsPubRel(publish.packetId()));
            if (violation != null) {
                publish.release();
                disconnect(violation, "PUBLISH refused: " + violation);
                return;
            }
            topicName = inboundFlow.topicName(publish);
        }
        if (topicName.startsWith(SYS_PREFIX)) {
            log.warn("Client '{}': publish to '{}' refused: $SYS topics are the broker's", clientId, topicName);
            publish.release();
            acknowledgeNow(publish, ReasonCode.TOPIC_NAME_INVALID);
            return;
        }
        if (!acl.canPublish(topicName)) {
            refuseByAcl(publish, topicName);
            return;
        }
        if (qos == 2 && session.inboundQos2().awaitsPubRel(publish.packetId())) {
            // [MQTT-4.3.3-2] a resend of a message already routed: acknowledge again, do not route again.
            publish.release();
            acknowledgements.send(new PubRec(publish.packetId()));
            return;
        }
        if (inboundFlow != null && !InboundPublishFlow.payloadFormatValid(publish)) {
            log.info("Client '{}': publish to '{}' refused: payload format indicator 1 but not UTF-8", clientId,
                    topicName);
            publish.release();
            acknowledgeNow(publish, ReasonCode.PAYLOAD_FORMAT_INVALID);
            return;
        }
        OrderedAcknowledgements.Pending acknowledgement = switch (publish.qos()) {
            case AT_MOST_ONCE -> null;
            case AT_LEAST_ONCE -> acknowledgements.afterStore(new PubAck(publish.packetId()));
            case EXACTLY_ONCE -> acknowledgements.afterStore(new PubRec(publish.packetId()));
        };
        // Routed, then stored (PUBREC: the record of its packet id too): the acknowledgement waits for all of it.
        StoreCountdown routedAndStored = acknowledgement == null ? null
                : new StoreCountdown(qos == 2 ? 3 : 2, acknowledgement);
        StoreListener stored = routedAndStored == null ? StoreListener.NONE : routedAndStored;
        if (qos == 2) {
            session.inboundQos2().received(publish.packetId(), routedAndStored);
        }
        try {
            List<Queue> reached = services.publisher().publish(clientId, topicName, qos, publish.retainFlag(),
                    publish.payload(), publish.properties(), stored);
            throttle.published(reached);
            if (acknowledgement != null) {
                if (reached.isEmpty() && inboundFlow != null) {
                    acknowledgement.replace(Mqtt5Acknowledgements.withReason(acknowledgement.acknowledgement(),
                            ReasonCode.NO_MATCHING_SUBSCRIBERS));
                }
                routedAndStored.stored(null);
            }
        } catch (BrokerException e) {
            log.warn("Client '{}': publish to '{}' failed: {}", clientId, topicName, e.getMessage());
            if (qos == 2) {
                session.inboundQos2().released(publish.packetId(), StoreListener.NONE);
            }
            ctx.close();
        }
    }

    /** As Mosquitto does: acknowledged per its QoS and discarded, or with {@code disconnect}, the connection ends. */
    private void refuseByAcl(Publish publish, String topicName) {
        publish.release();
        if (acl.denyAction() == MqttAcl.DenyAction.DISCONNECT) {
            disconnect(ReasonCode.NOT_AUTHORIZED, "publish to '" + topicName + "' denied by the ACL");
            return;
        }
        if (acl.firstRefusal(topicName)) {
            log.info("Client '{}': publish to '{}' denied by the ACL; dropped (logged once per topic)", clientId,
                    topicName);
        }
        acknowledgeNow(publish, ReasonCode.NOT_AUTHORIZED);
    }

    /**
     * PUBACK or PUBREC for a publish not routed, still after the acknowledgements of earlier publishes: with
     * {@code refusal} for an MQTT 5 client, a plain one (success) for 3.1.1, which cannot say no.
     */
    private void acknowledgeNow(Publish publish, ReasonCode refusal) {
        MqttPacket acknowledgement = switch (publish.qos()) {
            case AT_MOST_ONCE -> null;
            case AT_LEAST_ONCE -> new PubAck(publish.packetId());
            case EXACTLY_ONCE -> new PubRec(publish.packetId());
        };
        if (acknowledgement != null) {
            acknowledgements.send(inboundFlow == null ? acknowledgement
                    : Mqtt5Acknowledgements.withReason(acknowledgement, refusal));
        }
    }

    /** Where PUBACK and PUBREC go once their turn comes. */
    private final class AcknowledgementWriter implements OrderedAcknowledgements.Sink {
        @Override
        public void send(MqttPacket acknowledgement) {
            if (inboundFlow != null && Mqtt5Acknowledgements.endsInboundFlow(acknowledgement)) {
                inboundFlow.acknowledged();
            }
            write(acknowledgement);
            flushSoon();
        }

        @Override
        public void storeFailed(MqttPacket acknowledgement, Throwable failure) {
            if (session != null && acknowledgement instanceof PubRec rec) {
                // Not acknowledged, so the client will send it again: that must not look like a duplicate.
                session.inboundQos2().released(rec.packetId(), StoreListener.NONE);
            }
            log.warn("Client '{}': the store failed a message ({}); closing without acknowledging it", clientId,
                    String.valueOf(failure));
            ctx.close();
        }

        @Override
        public void withheld(MqttPacket acknowledgement, PublishRefused refusal) {
            if (session != null && acknowledgement instanceof PubRec rec) {
                session.inboundQos2().released(rec.packetId(), StoreListener.NONE);
            }
            if (inboundFlow != null) {
                // MQTT 5 can say no: the client learns the message was refused and drops it.
                log.info("Client '{}': {}; acknowledged with Quota exceeded", clientId, refusal.getMessage());
                send(Mqtt5Acknowledgements.withReason(acknowledgement, ReasonCode.QUOTA_EXCEEDED));
                return;
            }
            log.warn("Client '{}': {}; not acknowledging it, the client sends it again after reconnecting",
                    clientId, refusal.getMessage());
        }
    }

    private void subscribe(Subscribe subscribe) {
        String protocolError = SubscriptionRequests.protocolError(subscribe);
        if (protocolError != null) {
            disconnect(ReasonCode.PROTOCOL_ERROR, protocolError);
            return;
        }
        SubscriptionRequests.Subscribed subscribed = subscriptionRequests.subscribe(subscribe);
        session.recordSubscriptions(acknowledgements.afterStore(subscribed.subAck()));
        subscribed.retainedFor().forEach(session::sendRetained);
    }

    // ---- ending ----

    private void closeMalformed(MalformedPacket malformed) {
        if (malformed.violation() == MalformedPacket.Violation.PACKET_TOO_LARGE) {
            limits.hit(Limit.MQTT_MAX_PACKET_SIZE, malformed.reason());
        }
        log.info("Client '{}' at {}: malformed packet ({}); closing", clientId, remote(), malformed.reason());
        ctx.close();
    }

    /**
     * Broker shutdown or an operator's close: MQTT 3.1.1 has no server-side goodbye, so the connection just closes
     * (will included).
     */
    @Override
    public void closeGracefully(ChannelHandlerContext context, CloseReason reason) {
        closeBecause(reason.isShutdown() ? "broker shutting down" : reason.text());
    }

    String user() {
        return user;
    }

    /**
     * The server ends the connection for {@code code}: an MQTT 5 client is told with DISCONNECT first, and nothing
     * more is read or written; a 3.1.1 client has no such packet and the connection just closes; the will is
     * published either way.
     */
    void disconnect(ReasonCode code, String reason) {
        log.info("Client '{}' at {}: {}; disconnecting ({})", clientId, remote(), reason, code);
        if (MqttChannelVersion.of(ctx.channel()).isMqtt5() && ctx.channel().isActive()) {
            disconnecting = true;
            // Closed once written: a close queued behind the write could fail it before it reaches the socket.
            ctx.writeAndFlush(new Disconnect(code)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    boolean isMqtt5() {
        return inboundFlow != null;
    }

    /** What the client declared in CONNECT (the defaults for 3.1.1). */
    ClientCapabilities capabilities() {
        return capabilities;
    }

    /** Closes the connection for a reason other than DISCONNECT: the will is published. */
    void closeBecause(String reason) {
        log.info("Client '{}' at {}: {}; closing", clientId, remote(), reason);
        ctx.close();
    }

    /**
     * The user was deleted or lost its access: the connection of that user ends, and nothing more is published in
     * its name, the will included (event loop).
     */
    void accessRevoked(String revokedUser, String reason) {
        assert ctx.executor().inEventLoop() : "connection state is its event loop's";
        if (revokedUser.equals(user) && ctx.channel().isActive()) {
            will = null;
            closeBecause(reason);
        }
    }

    /** Another connection took the session over [MQTT-3.1.4-2]: this one ends, publishing its will. */
    void closeForTakeover() {
        assert ctx.executor().inEventLoop() : "the session's owner loop is its connection's";
        session = null;
        ctx.close();
    }

    private void publishWill() {
        Connect.Will lastWill = will;
        will = null;
        if (lastWill == null || lastWill.topic().startsWith(SYS_PREFIX)) {
            return;
        }
        if (!acl.canPublish(lastWill.topic())) {
            log.info("Client '{}': will on '{}' denied by the ACL; not published", clientId, lastWill.topic());
            return;
        }
        try {
            services.publisher().publish(clientId, lastWill.topic(), lastWill.qos().value(), lastWill.retain(),
                    Unpooled.wrappedBuffer(lastWill.payload()));
        } catch (BrokerException e) {
            log.warn("Client '{}': will on '{}' not published: {}", clientId, lastWill.topic(), e.getMessage());
        }
    }

    /**
     * Reads only while the client reads what we send (acknowledgements included, so its unread replies cannot
     * pile up in our outbound buffer) and, for a publisher, while no alarm holds publishers back and no queue it
     * publishes to does. A queue's hold waits while the session has deliveries in flight: their PUBACKs arrive
     * on this socket, and the queue holding us back may be waiting for exactly those.
     */
    void updateAutoRead() {
        if (state != State.CONNECTED) {
            return;
        }
        boolean queuesHold = throttle.isBlocked() && !session.awaitsAcknowledgements();
        boolean alarmHolds = publisher && services.publishersBlocked().getAsBoolean();
        boolean read = ctx.channel().isWritable() && !alarmHolds && !queuesHold && !limits.publishPaused();
        if (read != ctx.channel().config().isAutoRead()) {
            if (!read && alarmHolds) {
                log.info("Client '{}' at {}: no longer read while publishers are held back", clientId, remote());
            }
            ctx.channel().config().setAutoRead(read);
        }
    }

    // ---- for the session ----

    ConnectionAcl acl() {
        return acl;
    }

    EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    boolean isActive() {
        return ctx.channel().isActive();
    }

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    void write(MqttPacket packet) {
        if (disconnecting) {
            ReferenceCountUtil.release(packet);
            return;
        }
        ctx.write(packet, ctx.voidPromise());
    }

    void flush() {
        ctx.flush();
    }

    /** Deliveries went out or were acknowledged: while a queue holds this publisher back, reading may change. */
    void deliveriesChanged() {
        if (throttle.isBlocked()) {
            updateAutoRead();
        }
    }

    /**
     * Flushes after the tasks already queued on the event loop, so that a burst of deliveries handed over one by
     * one from the queue's shard goes out in one write.
     */
    void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(scheduledFlush);
        }
    }

    SocketAddress remote() {
        return ctx.channel().remoteAddress();
    }

    String clientId() {
        return clientId;
    }
}
