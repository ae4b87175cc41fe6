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
import dev.junction.server.net.ProtocolVersion;
import dev.junction.server.net.PublisherThrottle;
import dev.junction.server.tls.ClientCertificates;
import dev.junction.mqtt.codec.Auth;
import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.server.auth.Login;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MalformedPacket;
import dev.junction.mqtt.codec.MqttChannelVersion;
import dev.junction.mqtt.codec.MqttEncoder;
import dev.junction.mqtt.codec.MqttPacket;
import dev.junction.mqtt.codec.MqttPacketType;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The broker side of one MQTT network connection: CONNECT and authentication, then the packets of a connected
 * client, handed to its {@link MqttSession}. Runs on the channel's event loop, which owns the session while the
 * connection has it.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter implements GracefulClose {
    private static final Logger log = LoggerFactory.getLogger(MqttConnection.class);
    private static final String SYS_PREFIX = "$SYS";
    private static final Duration GOODBYE_WRITE_GRACE = Duration.ofSeconds(2);

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
    private LastWill will;
    private String clientId;
    /** What the broker granted the CONNECT (client id, session expiry, keep alive). */
    private ConnectTerms terms;
    /** The Session Expiry Interval the client's CONNECT asked for: 0 may not become more at DISCONNECT. */
    private long requestedExpiry;
    /** What an MQTT 5 client declared it takes: reason strings, and packets up to what size. */
    private ClientCapabilities capabilities = ClientCapabilities.DEFAULTS;
    /** Set once the broker has said goodbye (DISCONNECT or refusing CONNACK): what the client sends now is ignored. */
    private boolean closing;
    /** The CONNECT's user name, null for an anonymous client; for the management API. */
    private String user;
    private ConnectionLimits limits;
    private ConnectionAcl acl;
    private SubscriptionRequests subscriptionRequests;
    private boolean counted;
    private boolean flushScheduled;
    /** Whether the client has published on this connection: only publishers are held back by an alarm. */
    private boolean publisher;
    /** An MQTT 5 connection's inbound topic aliases and receive maximum; null for 3.1.1. */
    private InboundPublishFlow inboundFlow;
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
        if (closing) {
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
            disconnect(PacketTopicRules.reasonCode(msg), "protocol violation (" + topicViolation + ")");
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
            disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, "keep alive timed out");
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
        LastWill lastWill = state == State.CONNECTED ? will : null;
        will = null;
        state = State.DISCONNECTED;
        if (counted) {
            counted = false;
            services.stats().clientsConnected.decrementAndGet();
        }
        if (session != null) {
            MqttSession lost = session;
            session = null;
            lost.connectionLost(this, lastWill);
        } else if (lastWill != null) {
            lastWill.publish();
        }
        context.fireChannelInactive();
    }

    // ---- before CONNECT ----

    private void awaitingConnect(Object msg) {
        if (msg instanceof Connect connect) {
            connect(connect);
        } else if (msg instanceof UnacceptableProtocolLevel level) {
            log.info("Connection from {}: protocol level {} refused", remote(), level.protocolLevel());
            refuse(ReasonCode.UNSUPPORTED_PROTOCOL_VERSION, null);
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
        capabilities = ClientCapabilities.of(connect);
        if (connect.clientId().isEmpty() && !connect.cleanSession() && !connect.version().isMqtt5()) {
            // [MQTT-3.1.3-8] a persistent session needs an identifier to be found again (MQTT 5 tells the client
            // the one it is assigned instead).
            refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, null);
            return;
        }
        terms = ConnectTerms.of(connect, services.settings());
        clientId = terms.clientId();
        requestedExpiry = SessionExpiry.requestedSeconds(connect);
        if (connect.version().isMqtt5()) {
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
            refuse(MqttAuthenticator.returnCode(login).reasonCode(), login.detail());
            return;
        }
        user = login.user();
        if (user != null && !limits.claimUserConnection(user)) {
            // 3, not 5: the client is authorized, the service is unavailable to it only until one of its other
            // connections closes; a client told "not authorized" would have no reason to try again. MQTT 5 says
            // exactly that: 0x97, quota exceeded.
            refuse(isMqtt5() ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.SERVER_UNAVAILABLE,
                    "user '" + user + "' has all the connections it may have");
            return;
        }
        if (user != null) {
            ConnectionUser.loggedIn(ctx.channel(), user);
        }
        ProtocolVersion.negotiated(ctx.channel(), connect.version().versionName());
        acl = services.acl().forClient(user, clientId);
        if (terms.keepAliveSeconds() > 0) {
            long idleMillis = terms.keepAliveSeconds() * 1500L;
            ctx.pipeline().addBefore(ctx.name(), "mqtt-keep-alive",
                    new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
        }
        will = connect.will() == null ? null
                : new LastWill(connect.will(), clientId, acl, services.publisher());
        services.sessions().connect(clientId, connect.cleanSession(), terms.sessionExpiry(), this);
    }

    /** CONNACK with a refusal (as a 3.1.1 return code on a 3.1.1 connection), then the connection closes. */
    void refuse(ReasonCode code) {
        refuse(code, null);
    }

    /** CONNACK with a refusal, then the connection ends; the reason string only where the client allows it. */
    private void refuse(ReasonCode code, String reason) {
        state = State.DISCONNECTED;
        closing = true;
        sessionDecided.complete(null);
        ctx.writeAndFlush(withReason(reason, properties -> new ConnAck(false, code, properties)))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /**
     * The packet with the reason string for an MQTT 5 client that allows it, unless that makes the packet larger
     * than the client takes [MQTT-3.2.2-19, MQTT-3.14.2-3]; without it otherwise.
     */
    private MqttPacket withReason(String reason, Function<MqttProperties, MqttPacket> packet) {
        MqttPacket bare = packet.apply(MqttProperties.NONE);
        if (reason == null || !capabilities.requestProblemInformation() || !isMqtt5()) {
            return bare;
        }
        MqttPacket explained = packet.apply(MqttProperties.builder().reasonString(reason).build());
        return MqttEncoder.encodedSize(explained, MqttProtocolVersion.MQTT_5) <= capabilities.maximumPacketSize()
                ? explained : bare;
    }

    boolean isMqtt5() {
        return MqttChannelVersion.of(ctx.channel()).isMqtt5();
    }

    /** The session could not be set up: CONNACK 3 (server unavailable), and the connection ends. */
    void refuseUnavailable() {
        if (ctx.channel().isActive()) {
            refuse(ReasonCode.SERVER_UNAVAILABLE, "the session could not be set up");
        } else {
            sessionDecided.complete(null);
        }
    }

    /** The client went away while its session was being set up: the next CONNECT for its id may go ahead. */
    void closedBeforeAccepted() {
        sessionDecided.complete(null);
    }

    /** How long the session is to outlive this connection, as granted to its CONNECT. */
    Duration sessionExpiry() {
        return terms.sessionExpiry();
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
        MqttProperties connAckProperties = terms.connAckProperties();
        if (enhancedAuth != null) {
            // The method (and the server's last data) end the exchange [MQTT-4.12.0-5].
            MqttProperties.Builder withAuthentication = connAckProperties.toBuilder();
            MqttProperties authentication = enhancedAuth.connAckProperties();
            authentication.authenticationMethod().ifPresent(withAuthentication::authenticationMethod);
            authentication.authenticationData().ifPresent(withAuthentication::authenticationData);
            connAckProperties = withAuthentication.build();
        }
        ctx.write(new ConnAck(sessionPresent, ReasonCode.SUCCESS, connAckProperties));
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
        } else if (msg instanceof Disconnect disconnect) {
            clientDisconnected(disconnect);
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
            disconnect(ReasonCode.PROTOCOL_ERROR, "protocol violation: unexpected " + msg);
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
            disconnect(ReasonCode.UNSPECIFIED_ERROR, "publish failed");
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
            disconnect(ReasonCode.UNSPECIFIED_ERROR, "the store failed a message (" + failure
                    + "); closing without acknowledging it");
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
        disconnect(malformed.reasonCode(), "malformed packet (" + malformed.reason() + ")");
    }

    /**
     * Broker shutdown or an operator's close: an MQTT 5 client is told why (0x8B, 0x98); MQTT 3.1.1 has no
     * server-side goodbye, so the connection just closes (will included).
     */
    @Override
    public void closeGracefully(ChannelHandlerContext context, CloseReason reason) {
        if (reason.isShutdown()) {
            disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "broker shutting down");
        } else {
            disconnect(ReasonCode.ADMINISTRATIVE_ACTION, reason.text());
        }
    }

    String user() {
        return user;
    }

    /**
     * The broker ends the connection for a reason other than the client's DISCONNECT (the will is published):
     * an MQTT 5 client is told why, with DISCONNECT once it has its CONNACK (section 4.13.2), with a refusing
     * CONNACK before [MQTT-3.2.2-7]; an MQTT 3.1.1 connection just closes, the server never sending DISCONNECT.
     * The one way every part of the MQTT side ends a connection.
     */
    void disconnect(ReasonCode code, String reason) {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        log.info("Client '{}' at {}: {}; closing", clientId, remote(), reason);
        if (isMqtt5() && state == State.CONNECTED) {
            closing = true;
            ctx.writeAndFlush(withReason(reason, properties -> new Disconnect(code, properties)))
                    .addListener(ChannelFutureListener.CLOSE);
            // [MQTT-4.13.2-1] closed even if the DISCONNECT cannot be written, behind what a stalled client left unread.
            ctx.executor().schedule(() -> ctx.close(), GOODBYE_WRITE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } else if (isMqtt5() && state != State.DISCONNECTED && code.allowedIn(MqttPacketType.CONNACK)) {
            refuse(code, reason);
        } else {
            ctx.close();
        }
    }

    /** Closes the connection with nothing more said: the client left, or cannot be told (the will is published). */
    void closeBecause(String reason) {
        log.info("Client '{}' at {}: {}; closing", clientId, remote(), reason);
        closing = true;
        ctx.close();
    }

    /** What the client declared in CONNECT (the defaults for 3.1.1). */
    ClientCapabilities capabilities() {
        return capabilities;
    }

    /**
     * The client's DISCONNECT (section 3.14): the will goes, unless the client asks for it (0x04); an MQTT 5 client
     * may change its session's expiry, but not from 0 to more [MQTT-3.14.2-2].
     */
    private void clientDisconnected(Disconnect disconnect) {
        OptionalLong expiry = disconnect.properties().sessionExpiryInterval();
        if (expiry.isPresent() && expiry.getAsLong() != 0 && requestedExpiry == 0) {
            disconnect(ReasonCode.PROTOCOL_ERROR, "DISCONNECT sets a session expiry after a CONNECT of none");
            return;
        }
        if (expiry.isPresent()) {
            session.expireAfter(SessionExpiry.grantedSeconds(expiry.getAsLong(), services.settings().sessionExpiry()));
        }
        if (disconnect.reasonCode() != ReasonCode.DISCONNECT_WITH_WILL_MESSAGE) {
            // [MQTT-3.14.4-3] a normal disconnect discards the will.
            will = null;
        }
        closing = true;
        ctx.close();
    }

    /**
     * The user was deleted or lost its access: the connection of that user ends, and nothing more is published in
     * its name, the will included (event loop).
     */
    void accessRevoked(String revokedUser, ReasonCode code, String reason) {
        assert ctx.executor().inEventLoop() : "connection state is its event loop's";
        if (revokedUser.equals(user) && ctx.channel().isActive()) {
            will = null;
            disconnect(code, reason);
        }
    }

    /**
     * Another connection took the session over [MQTT-3.1.4-2, MQTT-3.1.4-3]: this one ends, publishing its will,
     * unless the session goes on with the new connection and the will waits for a delay that the reconnection
     * cuts short [MQTT-3.1.3-9].
     */
    void closeForTakeover(boolean sessionContinues) {
        assert ctx.executor().inEventLoop() : "the session's owner loop is its connection's";
        session = null;
        if (sessionContinues && will != null && will.delaySeconds() > 0) {
            will = null;
        }
        disconnect(ReasonCode.SESSION_TAKEN_OVER, "session taken over by a new connection");
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

    /** Nothing more goes out once the broker has said goodbye [MQTT-3.14.4-1]. */
    void write(MqttPacket packet) {
        if (closing) {
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
