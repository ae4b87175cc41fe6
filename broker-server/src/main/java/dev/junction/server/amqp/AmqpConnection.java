package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpCommand;
import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.AmqpDecodeError;
import dev.junction.amqp.codec.AmqpFrameDecoder;
import dev.junction.amqp.codec.AmqpFrameEncoder;
import dev.junction.amqp.codec.AmqpHeartbeat;
import dev.junction.amqp.codec.AmqpProtocolHeader;
import dev.junction.amqp.codec.OversizedContent;
import dev.junction.amqp.codec.ProtocolHeaderMismatch;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.Channel;
import dev.junction.amqp.codec.method.Connection;
import dev.junction.amqp.codec.types.LongString;
import dev.junction.core.queue.Delivery;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.auth.Login;
import dev.junction.server.auth.Logins;
import dev.junction.server.auth.ResourcePermissions;
import dev.junction.server.limits.ConnectionLimits;
import dev.junction.server.limits.HandshakeDeadline;
import dev.junction.server.limits.Limit;
import dev.junction.server.net.CloseReason;
import dev.junction.server.net.ConnectionUser;
import dev.junction.server.net.EventLoopOwner;
import dev.junction.server.net.GracefulClose;
import dev.junction.server.net.ProtocolVersion;
import dev.junction.server.net.PublisherThrottle;
import dev.junction.server.tls.ClientCertificates;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One AMQP connection: the handshake (start, tune, open), heartbeats, the channels, and the connection-level
 * errors. All its state is touched on the connection's event loop; queues hand deliveries over through a
 * lock-free inbox drained by one task, so a busy consumer costs no task object per message.
 */
final class AmqpConnection extends ChannelInboundHandlerAdapter implements GracefulClose {
    private static final Logger log = LoggerFactory.getLogger(AmqpConnection.class);
    private static final long CLOSE_OK_TIMEOUT_SECONDS = 3;
    private static final long DECODE_ERROR_GRACE_MILLIS = 500;
    /** SASL mechanism offered only on TLS connections with a verified client certificate. */
    private static final String EXTERNAL = "EXTERNAL";

    private enum State { AWAITING_HEADER, AWAITING_START_OK, AUTHENTICATING, AWAITING_TUNE_OK, AWAITING_OPEN, OPEN, CLOSING, CLOSED }

    private final AmqpService service;
    /** Sized for the one or two channels most connections open; it grows for more. */
    private final IntObjectMap<AmqpChannel> channels = new IntObjectHashMap<>(2);
    private final Set<String> exclusiveQueues = new HashSet<>();
    /**
     * Created for the connection's first consumer: most of an idle or publishing connection's memory otherwise.
     * Small chunks and no pool of spare ones, as a core queue's inbox: about 860 bytes where an xadd queue with
     * pooled 256-slot chunks cost 3.3 KB on every consuming connection.
     */
    private MpscUnboundedArrayQueue<Delivery> deliveries;
    private final AtomicInteger deliveryWork = new AtomicInteger();
    private final Runnable drainDeliveries = this::drainDeliveries;

    private ChannelHandlerContext ctx;
    private PublisherThrottle throttle;
    private State state = State.AWAITING_HEADER;
    private VirtualHost vhost;
    private String user;
    /** Whether the login was the TLS client certificate (SASL EXTERNAL) rather than a password. */
    private boolean external;
    private ResourceAccess access;
    /** The CN of a verified TLS client certificate, which SASL EXTERNAL logs in as; read at connection.start. */
    private Optional<String> certificateUser = Optional.empty();
    private int channelMax;
    private ConnectionLimits limits;
    private boolean consumerCancelNotify;
    private boolean blockedNotify;
    /** The client reads a connection.close that refuses its login; older clients only see the socket close. */
    private boolean authenticationFailureClose;
    private boolean published;
    private boolean blocked;

    AmqpConnection(AmqpService service) {
        this.service = service;
    }

    // ---- what channels use ----

    /** The management API's view of this connection's channels, by number; on the event loop. */
    ConnectionSnapshot snapshot() {
        List<ChannelSnapshot> open = new ArrayList<>();
        channels.values().forEach(channel -> open.add(channel.snapshot()));
        open.sort(Comparator.comparingInt(ChannelSnapshot::number));
        return new ConnectionSnapshot(user, vhost == null ? null : vhost.name(), open);
    }

    boolean isWritable() {
        return ctx.channel().isWritable();
    }

    boolean inEventLoop() {
        return ctx.executor().inEventLoop();
    }

    void execute(Runnable task) {
        ctx.channel().eventLoop().execute(task);
    }

    /** The owner of the exclusive queues this connection declares: they end with it, and only it consumes them. */
    EventLoopOwner exclusiveQueueOwner() {
        return new EventLoopOwner(ctx.channel().eventLoop());
    }

    void write(AmqpCommand command) {
        ctx.write(command, ctx.voidPromise());
    }

    void flush() {
        ctx.flush();
    }

    boolean consumerCancelNotify() {
        return consumerCancelNotify;
    }

    void exclusiveQueueDeclared(String queue) {
        exclusiveQueues.add(queue);
    }

    void exclusiveQueueDeleted(String queue) {
        exclusiveQueues.remove(queue);
    }

    /** Told, after each publish, which queues it reached: any of them may hold this connection back. */
    void published(List<dev.junction.core.queue.Queue> targets) {
        throttle.published(targets);
    }

    /** Deliveries were handed out or settled: while a queue holds this connection back, that may change reading. */
    void deliveriesChanged() {
        if (throttle.isBlocked()) {
            applyBlocking();
        }
    }

    void publishing() {
        boolean overRate = limits.throttlePublish(this::applyBlocking);
        if (!published || overRate) {
            published = true;
            applyBlocking();
        }
    }

    /**
     * Event loop, before a consumer on this connection subscribes to a queue: the subscription's hand-over to the
     * queue's owner thread publishes the inbox to it, and the inbox is never replaced.
     */
    void prepareForDeliveries() {
        if (deliveries == null) {
            deliveries = new MpscUnboundedArrayQueue<>(64);
        }
    }

    /** From a queue's owner thread: one delivery for a consumer on this connection. */
    void offerDelivery(Delivery delivery) {
        deliveries.offer(delivery);
        if (deliveryWork.getAndIncrement() == 0) {
            execute(drainDeliveries);
        }
    }

    private void drainDeliveries() {
        int work = deliveryWork.get();
        while (work > 0) {
            for (int i = 0; i < work; i++) {
                Delivery delivery = deliveries.poll();
                while (delivery == null) {
                    // The producer has claimed its slot but not yet written it; it is a few instructions away.
                    Thread.onSpinWait();
                    delivery = deliveries.poll();
                }
                ((ChannelConsumer) delivery.subscription().consumer()).side.deliver(delivery);
            }
            work = deliveryWork.addAndGet(-work);
        }
        flush();
        deliveriesChanged();
    }

    // ---- Netty events ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        limits = service.limits().forConnection(ctx.channel());
        this.throttle = new PublisherThrottle(ctx.channel(), this::applyBlocking);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof AmqpCommand command) {
            try {
                onCommand(command);
            } catch (AmqpError e) {
                closeWithError(e);
            } finally {
                command.release();
            }
        } else if (msg instanceof OversizedContent oversized) {
            limits.hit(Limit.AMQP_MAX_MESSAGE_SIZE, oversized.bodySize() + "-byte message body");
            try {
                channelFor(oversized.channel(), oversized.method()).refuseOversized(oversized);
            } catch (AmqpError e) {
                closeWithError(e);
            }
        } else if (msg instanceof AmqpDecodeError error) {
            if (error.frameTooLarge()) {
                limits.hit(Limit.AMQP_FRAME_MAX, error.replyText());
            }
            Connection.Close close = error.toConnectionClose();
            closeWithError(close.replyCode(), AmqpError.codeName(close.replyCode()) + " - " + close.replyText(),
                    close.classId(), close.methodId());
            // The decoder discards everything after an error, close-ok included, so only a short grace period
            // for the client to read the close is left; closing at once could reset the socket before it does.
            ctx.channel().eventLoop().schedule(() -> ctx.close(), DECODE_ERROR_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } else if (msg instanceof ProtocolHeaderMismatch mismatch) {
            log.debug("Refusing AMQP connection from {}: protocol header {}", ctx.channel().remoteAddress(),
                    mismatch.received());
            state = State.CLOSED;
            ctx.writeAndFlush(AmqpProtocolHeader.newBuffer()).addListener(ChannelFutureListener.CLOSE);
        }
        // Heartbeats need no answer: any frame read already counts as a sign of life for the idle handler.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event == ProtocolHeaderProbe.HEADER_RECEIVED && state == State.AWAITING_HEADER) {
            sendStart();
        } else if (event instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                log.info("Closing AMQP connection from {}: missed heartbeats", ctx.channel().remoteAddress());
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(AmqpHeartbeat.INSTANCE, ctx.voidPromise());
            }
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            channels.values().forEach(AmqpChannel::resumeConsumers);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        releaseEverything();
        service.closed(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.warn("AMQP connection from {} failed", ctx.channel().remoteAddress(), cause);
        if (state == State.OPEN || state == State.AWAITING_OPEN) {
            closeWithError(AmqpConstants.INTERNAL_ERROR, "INTERNAL_ERROR - " + cause.getMessage(), 0, 0);
        } else {
            ctx.close();
        }
    }

    /**
     * Broker shutdown or an operator's close: RabbitMQ's 320 CONNECTION_FORCED with the reason, then the socket
     * closes on close-ok or the timeout.
     */
    @Override
    public void closeGracefully(ChannelHandlerContext ctx, CloseReason reason) {
        if (state == State.OPEN && !reason.isShutdown()) {
            log.info("AMQP connection from {} (user '{}'): {}; closing", ctx.channel().remoteAddress(), user,
                    reason.text());
        }
        closeForced("broker forced connection closure with reason '" + reason.text() + "'");
    }

    /** RabbitMQ's 320 CONNECTION_FORCED with {@code reason}; a connection not yet open just closes. */
    private void closeForced(String reason) {
        if (state == State.OPEN) {
            closeWithError(AmqpConstants.CONNECTION_FORCED, "CONNECTION_FORCED - " + reason, 0, 0);
        } else {
            ctx.close();
        }
    }

    /** The user was deleted: its connections end at once, with RabbitMQ's words (event loop). */
    void userDeleted(String deletedUser) {
        assert ctx.executor().inEventLoop() : "connection state is its event loop's";
        if (deletedUser.equals(user) && state != State.CLOSING && state != State.CLOSED) {
            log.info("Closing AMQP connection from {} of user '{}': the user is deleted", ctx.channel().remoteAddress(),
                    user);
            closeForced("user '" + user + "' is deleted");
        }
    }

    // ---- the connection class ----

    private void onCommand(AmqpCommand command) {
        AmqpMethod method = command.method();
        if (state == State.CLOSING) {
            // Spec 2.2.4: after sending close, discard everything but close and close-ok.
            if (method instanceof Connection.CloseOk) {
                state = State.CLOSED;
                ctx.close();
            } else if (method instanceof Connection.Close) {
                state = State.CLOSED;
                ctx.writeAndFlush(AmqpCommand.of(0, new Connection.CloseOk())).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (command.channel() != 0) {
            onChannelCommand(command);
            return;
        }
        if (method instanceof Connection.StartOk startOk && state == State.AWAITING_START_OK) {
            onStartOk(startOk);
        } else if (method instanceof Connection.TuneOk tuneOk && state == State.AWAITING_TUNE_OK) {
            onTuneOk(tuneOk);
        } else if (method instanceof Connection.Open open && state == State.AWAITING_OPEN) {
            onOpen(open);
        } else if (method instanceof Connection.Close) {
            state = State.CLOSED;
            releaseEverything();
            ctx.writeAndFlush(AmqpCommand.of(0, new Connection.CloseOk())).addListener(ChannelFutureListener.CLOSE);
        } else if (method instanceof Connection.UpdateSecret updateSecret && state == State.OPEN) {
            onUpdateSecret(updateSecret);
        } else {
            throw AmqpError.hard(AmqpConstants.COMMAND_INVALID, "unexpected method " + method.protocolMethodName()
                    + " on channel 0 " + describeState(), method);
        }
    }

    private String describeState() {
        return switch (state) {
            case AWAITING_START_OK -> "while awaiting connection.start-ok";
            case AUTHENTICATING -> "while the login is being checked";
            case AWAITING_TUNE_OK -> "while awaiting connection.tune-ok";
            case AWAITING_OPEN -> "while awaiting connection.open";
            default -> "on an open connection";
        };
    }

    private void sendStart() {
        state = State.AWAITING_START_OK;
        Map<String, Object> capabilities = new LinkedHashMap<>();
        for (String capability : List.of("publisher_confirms", "exchange_exchange_bindings", "basic.nack",
                "consumer_cancel_notify", "connection.blocked", "consumer_priorities",
                "authentication_failure_close", "per_consumer_qos", "direct_reply_to")) {
            capabilities.put(capability, Boolean.TRUE);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("product", "Junction");
        properties.put("version", versionText());
        properties.put("platform", "Java " + Runtime.version().feature());
        properties.put("copyright", "The Junction authors");
        properties.put("information", "Junction message broker: MQTT 3.1.1 and 5.0, AMQP 0-9-1");
        properties.put("capabilities", capabilities);
        certificateUser = ClientCertificates.verifiedCommonName(ctx.channel());
        String mechanisms = certificateUser.isPresent() ? EXTERNAL + " " + SaslCredentials.MECHANISMS
                : SaslCredentials.MECHANISMS;
        ctx.writeAndFlush(AmqpCommand.of(0, new Connection.Start(AmqpConstants.VERSION_MAJOR,
                AmqpConstants.VERSION_MINOR, properties, LongString.of(mechanisms),
                LongString.of("en_US"))));
    }

    private static String versionText() {
        String version = AmqpConnection.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    private void onStartOk(Connection.StartOk startOk) {
        if (startOk.clientProperties().get("capabilities") instanceof Map<?, ?> clientCapabilities) {
            consumerCancelNotify = Boolean.TRUE.equals(clientCapabilities.get("consumer_cancel_notify"));
            blockedNotify = Boolean.TRUE.equals(clientCapabilities.get("connection.blocked"));
            authenticationFailureClose = Boolean.TRUE.equals(
                    clientCapabilities.get("authentication_failure_close"));
        }
        boolean external = startOk.mechanism().equals(EXTERNAL) && certificateUser.isPresent();
        if (!external && !List.of(SaslCredentials.MECHANISMS.split(" ")).contains(startOk.mechanism())) {
            throw AmqpError.hard(AmqpConstants.COMMAND_INVALID, "unknown authentication mechanism '"
                    + startOk.mechanism() + "'", startOk);
        }
        InetAddress from = remoteAddress();
        Logins logins = service.logins();
        CompletableFuture<Login> login;
        if (external) {
            // The identity is the certificate the TLS handshake verified; the response carries nothing we use.
            login = logins.certificate(certificateUser.get(), from, ctx.executor());
        } else {
            SaslCredentials credentials = SaslCredentials.parse(startOk.mechanism(), startOk.response());
            login = credentials == null
                    ? logins.refuse(Login.badCredentials(null, "malformed " + startOk.mechanism() + " response"),
                    from, ctx.executor())
                    : logins.password(credentials.user(), credentials.password(), from, ctx.executor());
        }
        state = State.AUTHENTICATING;
        this.external = external;
        String mechanism = startOk.mechanism();
        login.thenAccept(outcome -> loggedIn(outcome, mechanism));
    }

    /** On the event loop, once the login is decided (a refusal after its delay). */
    private void loggedIn(Login login, String mechanism) {
        if (state != State.AUTHENTICATING) {
            return;
        }
        if (!login.accepted()) {
            log.info("AMQP login from {} refused: {}", ctx.channel().remoteAddress(), login.detail());
            if (authenticationFailureClose) {
                closeWithError(AmqpError.hard(AmqpConstants.ACCESS_REFUSED, "Login was refused using "
                        + "authentication mechanism " + mechanism + ". For details see the broker logfile.", null));
            } else {
                // As RabbitMQ: a client that did not announce it could read a close here gets none.
                state = State.CLOSED;
                ctx.close();
            }
            return;
        }
        user = login.user();
        state = State.AWAITING_TUNE_OK;
        AmqpSettings settings = service.settings();
        ctx.writeAndFlush(AmqpCommand.of(0, new Connection.Tune(settings.channelMax(), settings.frameMax(),
                settings.heartbeatSeconds())));
    }

    private void onTuneOk(Connection.TuneOk tuneOk) {
        AmqpSettings settings = service.settings();
        long frameMax = tuneOk.frameMax() == 0 ? settings.frameMax() : tuneOk.frameMax();
        if (frameMax > settings.frameMax()) {
            throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "frame_max=" + frameMax + " > " + settings.frameMax()
                    + " max size", tuneOk);
        }
        if (frameMax < AmqpConstants.FRAME_MIN_SIZE) {
            throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "frame_max=" + frameMax + " < "
                    + AmqpConstants.FRAME_MIN_SIZE + " min size", tuneOk);
        }
        int requestedChannelMax = tuneOk.channelMax() == 0 ? settings.channelMax() : tuneOk.channelMax();
        if (requestedChannelMax > settings.channelMax()) {
            throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "channel_max=" + requestedChannelMax + " > "
                    + settings.channelMax() + " max", tuneOk);
        }
        channelMax = requestedChannelMax;
        ctx.pipeline().get(AmqpFrameDecoder.class).setFrameMax(frameMax);
        ctx.pipeline().get(AmqpFrameEncoder.class).setFrameMax(frameMax);
        if (tuneOk.heartbeat() > 0) {
            long intervalMillis = TimeUnit.SECONDS.toMillis(tuneOk.heartbeat());
            // Silent for two intervals: gone. Heartbeats go out at half the interval, as RabbitMQ sends them.
            ctx.pipeline().addFirst("amqp-heartbeat", new IdleStateHandler(intervalMillis * 2, intervalMillis / 2,
                    0, TimeUnit.MILLISECONDS));
        }
        state = State.AWAITING_OPEN;
    }

    private void onOpen(Connection.Open open) {
        VirtualHost host = service.broker().virtualHost(open.virtualHost());
        if (host == null) {
            throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "vhost " + open.virtualHost() + " not found", open);
        }
        if (!limits.claimUserConnection(user)) {
            throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "Connection refused for user '" + user
                    + "'. User connection limit (" + service.limits().settings().maxConnectionsPerUser()
                    + ") is reached", open);
        }
        access = new ResourceAccess(user, host.name(), permissionsOn(host.name(), open));
        ConnectionUser.loggedIn(ctx.channel(), user);
        ProtocolVersion.negotiated(ctx.channel(), "0-9-1");
        vhost = host;
        state = State.OPEN;
        HandshakeDeadline.met(ctx.pipeline());
        service.opened(this);
        ctx.writeAndFlush(AmqpCommand.of(0, new Connection.OpenOk("")));
        log.debug("AMQP connection from {} opened vhost '{}' as '{}'", ctx.channel().remoteAddress(),
                host.name(), user);
    }

    private InetAddress remoteAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
    }

    /** The user's permissions on the vhost; having none at all refuses the vhost, with RabbitMQ's 530. */
    private ResourcePermissions permissionsOn(String vhostName, AmqpMethod method) {
        return service.permissions().lookup(user, vhostName).orElseThrow(() -> AmqpError.hard(
                AmqpConstants.NOT_ALLOWED, "access to vhost '" + vhostName + "' refused for user '" + user + "'",
                method));
    }

    /**
     * RabbitMQ's connection.update-secret: the new secret must pass the login check the connection passed, and
     * the user must still have access to the vhost, whose permissions are looked up afresh. A refused secret closes
     * the connection with RabbitMQ's 530.
     */
    private void onUpdateSecret(Connection.UpdateSecret updateSecret) {
        Logins logins = service.logins();
        CompletableFuture<Login> login = external ? logins.certificate(user, remoteAddress(), ctx.executor())
                : logins.password(user, updateSecret.newSecret().toString(), remoteAddress(), ctx.executor());
        login.thenAccept(outcome -> secretChecked(outcome, updateSecret));
    }

    /** On the event loop, once the new secret is decided. */
    private void secretChecked(Login login, Connection.UpdateSecret updateSecret) {
        if (state != State.OPEN) {
            return;
        }
        try {
            if (!login.accepted()) {
                log.info("AMQP secret update from {} refused: {}", ctx.channel().remoteAddress(), login.detail());
                throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "New secret was refused by one of the backends",
                        updateSecret);
            }
            access.update(permissionsOn(vhost.name(), updateSecret));
        } catch (AmqpError refused) {
            closeWithError(refused);
            return;
        }
        log.debug("AMQP connection from {} updated the secret of '{}', reason: {}", ctx.channel().remoteAddress(),
                user, updateSecret.reason());
        ctx.writeAndFlush(AmqpCommand.of(0, new Connection.UpdateSecretOk()));
    }

    /** On the event loop: see {@link AmqpService#permissionsChanged}. */
    void permissionsChanged(String changedUser, String changedVhost) {
        if (state == State.OPEN && access.user().equals(changedUser) && access.vhost().equals(changedVhost)) {
            refreshPermissions();
        }
    }

    /**
     * Looks the permissions up again: each later operation is checked against them. A grant the connection is still
     * using cannot be taken back operation by operation, so losing every permission on the vhost, or read access to
     * a queue a consumer of this connection takes deliveries from, closes the connection with 320.
     */
    private void refreshPermissions() {
        Optional<ResourcePermissions> now = service.permissions().lookup(user, vhost.name());
        access.update(now.orElse(ResourcePermissions.NONE));
        String revoked = now.isEmpty() ? "access to vhost '" + vhost.name() + "'" : revokedConsumerQueue();
        if (revoked != null) {
            log.info("Closing AMQP connection from {} of user '{}': {} was revoked", ctx.channel().remoteAddress(),
                    user, revoked);
            closeForced(revoked + " was revoked for user '" + user + "'");
        }
    }

    /** The first queue a consumer of this connection reads that the user may no longer read, or null. */
    private String revokedConsumerQueue() {
        for (AmqpChannel channel : channels.values()) {
            String queue = channel.consumedQueueNotReadable(access);
            if (queue != null) {
                return "read access to queue '" + queue + "' in vhost '" + vhost.name() + "'";
            }
        }
        return null;
    }

    // ---- channels ----

    private void onChannelCommand(AmqpCommand command) {
        AmqpMethod method = command.method();
        if (state != State.OPEN) {
            throw AmqpError.hard(AmqpConstants.CHANNEL_ERROR, "channel " + command.channel()
                    + " used before connection.open", method);
        }
        int number = command.channel();
        AmqpChannel channel = channels.get(number);
        if (method instanceof Channel.Open) {
            if (channel != null) {
                throw AmqpError.hard(AmqpConstants.CHANNEL_ERROR, "second 'channel.open' seen", method);
            }
            if (channels.size() >= channelMax) {
                limits.hit(Limit.AMQP_CHANNEL_MAX, channels.size() + " channels open");
                // RabbitMQ's words, which clients and operators search for; like RabbitMQ, no method is blamed.
                throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "number of channels opened (" + channels.size()
                        + ") has reached the negotiated channel_max (" + channelMax + ")", null);
            }
            if (number > channelMax) {
                limits.hit(Limit.AMQP_CHANNEL_MAX, "channel " + number + " opened");
                throw AmqpError.hard(AmqpConstants.NOT_ALLOWED, "channel " + number
                        + " is above the negotiated channel_max " + channelMax, method);
            }
            // A new channel sees the permissions as they are now, as a RabbitMQ channel starts with an empty cache.
            refreshPermissions();
            channels.put(number, new AmqpChannel(this, number, vhost, access, service.messages(),
                    service.directReplyTo(), service.settings().maxMessageSize()));
            ctx.writeAndFlush(AmqpCommand.of(number, new Channel.OpenOk(LongString.EMPTY)));
            return;
        }
        channelFor(number, method).receive(command);
    }

    /** The open channel a method arrived on; a method on a channel never opened is a hard error. */
    private AmqpChannel channelFor(int number, AmqpMethod method) {
        AmqpChannel channel = state == State.OPEN ? channels.get(number) : null;
        if (channel == null) {
            throw AmqpError.hard(AmqpConstants.CHANNEL_ERROR, "expected 'channel.open' on channel " + number,
                    method);
        }
        return channel;
    }

    void channelClosed(AmqpChannel channel) {
        channels.remove(channel.number());
    }

    /** Closes the connection over a hard error raised on any channel. */
    void closeWithError(AmqpError error) {
        closeWithError(error.replyCode(), error.replyText(), error.classId(), error.methodId());
    }

    private void closeWithError(int replyCode, String replyText, int classId, int methodId) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        log.info("Closing AMQP connection from {}: {}", ctx.channel().remoteAddress(), replyText);
        boolean handshakeDone = state == State.OPEN || state == State.AWAITING_OPEN;
        state = State.CLOSING;
        releaseEverything();
        String text = replyText.length() > 255 ? replyText.substring(0, 255) : replyText;
        ctx.writeAndFlush(AmqpCommand.of(0, new Connection.Close(replyCode, text, classId, methodId)));
        ctx.channel().eventLoop().schedule(() -> ctx.close(), handshakeDone ? CLOSE_OK_TIMEOUT_SECONDS : 1, TimeUnit.SECONDS);
    }

    private boolean awaitsAcknowledgements() {
        for (AmqpChannel channel : channels.values()) {
            if (channel.holdsDeliveries()) {
                return true;
            }
        }
        return false;
    }

    /** Channels closed (their unacknowledged messages requeued), exclusive queues deleted. Idempotent. */
    private void releaseEverything() {
        for (AmqpChannel channel : new ArrayList<>(channels.values())) {
            channel.release();
        }
        channels.clear();
        if (vhost != null) {
            for (String name : exclusiveQueues) {
                // Only if still ours: an auto-deleted queue's name may have been taken since.
                dev.junction.core.queue.Queue queue = vhost.queue(name);
                if (queue != null && queue.settings().exclusiveOwner() == this) {
                    vhost.deleteQueue(name, this, false, false);
                }
            }
        }
        exclusiveQueues.clear();
        // Deliveries still in the inbox reach released channels when the drain task runs: they are requeued there.
    }

    /**
     * Stops or restarts reading a publishing connection as the broker-wide alarm, the publish rate and the queues
     * it publishes to say. A queue's hold is not applied while the connection holds unacknowledged deliveries: their
     * acks arrive on this socket, behind whatever it would stop reading, and a queue waiting for acks from a
     * connection it stopped would never drain (nor would two connections each consuming what the other publishes).
     */
    void applyBlocking() {
        if (state != State.OPEN || !published) {
            return;
        }
        boolean shouldBlock = service.blockedReason() != null;
        boolean queuesHold = throttle.isBlocked() && !awaitsAcknowledgements();
        ctx.channel().config().setAutoRead(!shouldBlock && !queuesHold && !limits.publishPaused());
        if (shouldBlock == blocked) {
            return;
        }
        blocked = shouldBlock;
        if (blockedNotify) {
            ctx.writeAndFlush(AmqpCommand.of(0, shouldBlock
                    ? new Connection.Blocked(service.blockedReason()) : new Connection.Unblocked()));
        }
    }
}
