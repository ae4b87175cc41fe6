package dev.junction.server.mqtt;

import dev.junction.core.BrokerException;
import dev.junction.core.exchange.MqttBindingArguments;
import dev.junction.core.message.Message;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueConsumer;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.queue.Subscription;
import dev.junction.core.store.StoreListener;
import dev.junction.core.topic.SharedSubscription;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.server.acl.ConnectionAcl;
import dev.junction.server.mqtt.MqttDurableState.RecoveredSession;
import dev.junction.server.net.EventLoopOwner;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT session, the coordinator of its parts: its life cycle (start, takeover, expiry, end), its own core
 * queue and which of its deliveries are the client's (a matching filter, the read ACL). Its subscriptions are
 * {@link SessionFilters}, the PUBLISHes it sends {@link OutboundPublishWriter}, those sent at QoS 1/2 and not yet
 * acknowledged {@link OutboundInFlight}, and the inbound QoS 2 identifiers awaiting PUBREL {@link InboundQos2}. A
 * persistent session outlives its connections; its queue keeps collecting while it is offline.
 *
 * <p>Threads: all state belongs to the session's owner event loop, the loop of its connection while connected
 * (and the last one while offline). Every entry from elsewhere goes through {@link #execute}, which follows the
 * owner when a takeover moves the session to another loop.
 */
final class MqttSession implements QueueConsumer {
    private static final Logger log = LoggerFactory.getLogger(MqttSession.class);
    private static final String QUEUE_PREFIX = "mqtt-subscription-";

    private final String clientId;
    private final boolean cleanSession;
    private final SessionRegistry registry;
    private final SessionServices services;
    private final SessionFilters subscriptions;
    private final OutboundInFlight outbound;
    private final OutboundPublishWriter publishes;
    private final InboundQos2 inboundQos2;
    private final SharedMemberships shared;

    private volatile EventLoop owner;
    private volatile boolean writable;
    /** A connection is attached; read by the queue's shard, which holds publishers back only for online sessions. */
    private volatile boolean online;
    private MqttConnection connection;
    /** The ACL of the last connection, which also decides for deliveries taken while the session is offline. */
    private ConnectionAcl acl;
    private Queue queue;
    private Subscription queueSubscription;
    private long droppedCounted;
    private long droppedLogged;
    private ScheduledFuture<?> expiry;
    /** How long the session outlives its connection; zero: it ends with it. Set by each connection. */
    private Duration expiryInterval;
    /** A will waiting for its delay [MQTT-3.1.3-9]: published when that passes or the session ends. */
    private LastWill pendingWill;
    private ScheduledFuture<?> willDelay;
    /** The pending will is in the session's store record ({@link MqttDurableState#pendingWill}). */
    private boolean willRecorded;
    private boolean discarded;
    /** Set by {@link #discard}: completes once the session's queue is deleted. */
    private CompletableFuture<Integer> queueGone;
    private String user;
    private Instant lastConnected;
    /** Recovered from the store: its first connection after the restart finds it present. */
    private final boolean recovered;

    /** @param stored the persistent session as the previous run left it, or null for a new session */
    MqttSession(String clientId, boolean cleanSession, SessionRegistry registry, SessionServices services,
                EventLoop owner, RecoveredSession stored) {
        this.clientId = clientId;
        this.cleanSession = cleanSession;
        this.registry = registry;
        this.services = services;
        this.owner = owner;
        this.recovered = stored != null;
        this.expiryInterval = stored == null ? null : stored.expiry();
        this.inboundQos2 = new InboundQos2(clientId, cleanSession ? null : services.durable(),
                stored == null ? Set.of() : stored.awaitingPubRel(), this::onOwnerThread);
        this.outbound = new OutboundInFlight(clientId, cleanSession ? null : services.durable(), services.stats(),
                stored == null ? Map.of() : stored.sentQos2(), this::onOwnerThread);
        this.publishes = new OutboundPublishWriter(clientId, services.settings().maxPacketSize(), services.stats(),
                outbound, this::onOwnerThread);
        this.subscriptions = new SessionFilters(clientId, services.vhost(), services.settings().exchange(), queueName(),
                this, cleanSession ? null : services.durable(), services.stats(),
                stored == null ? Map.of() : stored.subscriptions(), this::onOwnerThread);
        this.shared = new SharedMemberships(this, services.sharedGroups(), services.settings().maxInflight(),
                stored == null ? Map.of() : stored.subscriptions(), this::onOwnerThread);
    }

    String clientId() {
        return clientId;
    }

    boolean isPersistent() {
        return !cleanSession;
    }

    String queueName() {
        return queueName(clientId);
    }

    static String queueName(String clientId) {
        return QUEUE_PREFIX + clientId;
    }

    static boolean isSessionQueue(String queueName) {
        return queueName.startsWith(QUEUE_PREFIX);
    }

    /** Runs the task on the session's owner loop, following the session if a takeover moved it meanwhile. */
    void execute(Runnable task) {
        EventLoop loop = owner;
        loop.execute(() -> {
            if (loop == owner) {
                task.run();
            } else {
                execute(task);
            }
        });
    }

    private boolean onOwnerThread() {
        return owner.inEventLoop();
    }

    // ---- life cycle (owner loop) ----

    /**
     * A new or recovered session attaches the connection. A persistent session first declares its queue and
     * subscribes to it: the queue is durable and shared (an exclusive queue ends with its owner, so is never
     * stored), and the session is recorded, so that it, its bindings and its queued messages survive a restart. A
     * clean session starts with no subscription, so nothing can be routed to it until its first SUBSCRIBE, which
     * declares its queue: an idle clean-session connection costs no queue.
     */
    void start(MqttConnection newConnection) {
        if (cleanSession) {
            attach(newConnection, false);
            return;
        }
        try {
            declareQueue();
        } catch (BrokerException e) {
            log.warn("Client '{}': cannot declare its session queue: {}", clientId, e.getMessage());
            registry.remove(this);
            newConnection.refuseUnavailable();
            return;
        }
        if (recovered) {
            subscriptions.upgradeStoredBindings();
        } else {
            subscriptions.adoptBindings();
        }
        subscriptions.record(StoreListener.NONE);
        subscriptions.counted();
        queue.subscribe(this, consumerOptions())
                .whenComplete((subscription, failure) -> execute(() -> {
                    if (failure != null) {
                        log.warn("Client '{}': cannot subscribe to its session queue", clientId, failure);
                        registry.remove(this);
                        newConnection.refuseUnavailable();
                        return;
                    }
                    queueSubscription = subscription;
                    attach(newConnection, recovered);
                }));
    }

    private void declareQueue() {
        QueueSettings queueSettings = new QueueSettings(!cleanSession, cleanSession ? this : null, false,
                services.settings().sessionQueueArguments(clientId));
        try {
            // A clean session's queue lives and dies with this connection, so its loop owns it; a persistent
            // session's outlives the connection (and the loops, at shutdown), so a shard does.
            queue = services.vhost().declareQueue(queueName(), queueSettings,
                    cleanSession ? new EventLoopOwner(owner) : null);
        } catch (BrokerException inequivalent) {
            // A stored session's queue declared under other settings (mqtt.* keys changed, or an older version):
            // the session keeps it rather than being refused; its limits were brought to the configuration at start.
            Queue stored = cleanSession ? null : services.vhost().queue(queueName());
            if (stored == null) {
                throw inequivalent;
            }
            log.info("Client '{}': its stored session queue keeps the arguments it was declared with {}, limits {}",
                    clientId, stored.settings().arguments(), stored.limitOverrides());
            queue = stored;
        }
    }

    private ConsumerOptions consumerOptions() {
        return new ConsumerOptions(services.settings().maxInflight(), false, true);
    }

    /**
     * A clean session's first SUBSCRIBE: declares its queue and subscribes to it. Bindings made right after route
     * into the queue at once; it holds what arrives until the subscription is in place and then delivers it.
     */
    private void openQueueOnFirstSubscribe() {
        declareQueue();
        queue.subscribe(this, consumerOptions()).whenComplete((subscription, failure) -> execute(() -> {
            if (failure != null) {
                log.warn("Client '{}': cannot subscribe to its session queue", clientId, failure);
                if (connection != null) {
                    connection.disconnect(ReasonCode.UNSPECIFIED_ERROR, "session queue unavailable");
                }
            } else if (discarded) {
                subscription.cancel();
            } else {
                queueSubscription = subscription;
            }
        }));
    }

    /**
     * A CONNECT for this (persistent) session: closes the connection that has it, if any, and moves the session
     * to the new connection's loop, where it resumes. Returns false if the session ended meanwhile.
     */
    boolean handOver(MqttConnection newConnection) {
        if (discarded) {
            return false;
        }
        closeConnectionForTakeover(true);
        owner = newConnection.eventLoop();
        execute(() -> attach(newConnection, true));
        return true;
    }

    /**
     * This session gives way to a new one with the same client id: closes its connection and ends; the new one
     * starts once this one's queue is gone, since it declares a queue of the same name.
     */
    void replace(Runnable afterwards) {
        closeConnectionForTakeover(false);
        discard().whenComplete((count, failure) -> afterwards.run());
    }

    private void closeConnectionForTakeover(boolean sessionContinues) {
        MqttConnection previous = detachConnection();
        if (previous != null) {
            log.info("Client '{}' connected again: closing its previous connection", clientId);
            previous.closeForTakeover(sessionContinues);
        }
    }

    /** Lets go of the connection without ending it; returns it, or null if there was none. */
    private MqttConnection detachConnection() {
        MqttConnection previous = connection;
        if (previous != null) {
            connection = null;
            publishes.detach();
            writable = false;
            wentOffline();
        }
        return previous;
    }

    private void attach(MqttConnection newConnection, boolean sessionPresent) {
        expireAfter(newConnection.sessionExpiry());
        if (!newConnection.isActive()) {
            newConnection.closedBeforeAccepted();
            connectionLost(newConnection, null);
            return;
        }
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        cancelPendingWill();
        connection = newConnection;
        online = true;
        user = newConnection.user();
        lastConnected = Instant.now();
        acl = newConnection.acl();
        newConnection.accepted(this, sessionPresent && !cleanSession);
        reportDrops();
        publishes.attach(newConnection);
        writabilityChanged();
        shared.attach();
    }

    /**
     * How long the session is to outlive its connection from now on: as its CONNECT or its DISCONNECT says
     * (sections 3.1.2.11.2, 3.14.2.2.2); recorded for a persistent session, so that it holds after a restart too.
     */
    void expireAfter(Duration interval) {
        if (!cleanSession && !interval.equals(expiryInterval)) {
            services.durable().sessionExpiry(clientId, interval);
        }
        expiryInterval = interval;
    }

    /**
     * The connection ended (any reason), with the will to publish, or null: a session with no expiry interval ends
     * with it, any other waits to expire. The will goes now, or after its delay if the session lasts that long.
     */
    void connectionLost(MqttConnection lost, LastWill will) {
        if (connection == lost) {
            detachConnection();
        }
        if (connection != null || discarded) {
            if (will != null) {
                will.publish();
            }
            return;
        }
        boolean endsNow = expiryInterval == null || expiryInterval.isZero();
        if (will != null && (endsNow || will.delaySeconds() == 0)) {
            will.publish();
        } else if (will != null) {
            pendingWill = will;
            willDelay = owner.schedule(this::publishPendingWill, will.delaySeconds(), TimeUnit.SECONDS);
            recordPendingWill(will);
        }
        if (endsNow) {
            end();
        } else if (expiry == null) {
            expiry = owner.schedule(this::expire, expiryInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void expire() {
        expiry = null;
        if (connection == null && !discarded) {
            log.info("Session of client '{}' expired", clientId);
            end();
        }
    }

    /**
     * A persistent session keeps its waiting will in its store record, due when its delay or the session's expiry
     * passes, whichever is first, so that a restart after a crash publishes it then (section 4.1).
     */
    private void recordPendingWill(LastWill will) {
        if (cleanSession) {
            return;
        }
        long dueInMillis = Math.min(TimeUnit.SECONDS.toMillis(will.delaySeconds()), expiryInterval.toMillis());
        PendingWill recorded = will.pending(System.currentTimeMillis() + dueInMillis);
        if (recorded != null) {
            services.durable().pendingWill(clientId, recorded);
            willRecorded = true;
        }
    }

    private void publishPendingWill() {
        willDelay = null;
        LastWill will = pendingWill;
        pendingWill = null;
        if (will != null) {
            will.publish();
        }
        forgetRecordedWill();
    }

    /** The client is back in time: its will is not published [MQTT-3.1.3-9]. */
    private void cancelPendingWill() {
        pendingWill = null;
        if (willDelay != null) {
            willDelay.cancel(false);
            willDelay = null;
        }
        forgetRecordedWill();
    }

    private void forgetRecordedWill() {
        if (willRecorded) {
            willRecorded = false;
            services.durable().willGone(clientId);
        }
    }

    /**
     * Discards the session, then leaves the registry: in this order, a CONNECT with the same client id either
     * still finds this session (and waits on this loop until it is gone) or finds none and can declare the
     * session queue's name afresh.
     */
    private void end() {
        discard();
        registry.remove(this);
    }

    private void forgetIfPersistent() {
        if (!cleanSession) {
            services.durable().forgetSession(clientId, inboundQos2.awaitingPubRel(), outbound.sentQos2());
        }
    }

    /**
     * Broker shutdown: a clean session ends and completes when its queue is gone, its messages released; a
     * persistent one lets go of its messages (they stay queued, and stored) and keeps its queue and record for the
     * next run. A will still waiting for its delay is published now, as Mosquitto does (only a crash leaves it to
     * its store record, which the next run publishes when it is due).
     */
    CompletableFuture<Void> close() {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        execute(() -> {
            if (discarded) {
                closed.complete(null);
                return;
            }
            MqttConnection previous = detachConnection();
            if (previous != null) {
                previous.disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "broker shutting down");
            }
            if (cleanSession) {
                discard().whenComplete((count, failure) -> closed.complete(null));
            } else {
                publishPendingWill();
                stop();
                closed.complete(null);
            }
        });
        return closed;
    }

    /**
     * Ends the session for good: subscriptions, queue, in-flight state and stored record go. Completes when the
     * queue is deleted; discarding again returns the same completion.
     */
    CompletableFuture<Integer> discard() {
        if (queueGone == null) {
            shared.leaveAll();
            // The session ends: a will still waiting for its delay goes now [MQTT-3.1.3-9].
            publishPendingWill();
            forgetIfPersistent();
            stop();
            queueGone = queue == null ? CompletableFuture.completedFuture(0)
                    : services.vhost().deleteQueue(queue.name(), this, false, false);
        }
        return queueGone;
    }

    /** No more deliveries: the queue takes back what was in flight. */
    private void stop() {
        discarded = true;
        cancelPendingWill();
        writable = false;
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        shared.detach();
        outbound.abandonAll();
        publishes.abandonWaiting();
        inboundQos2.clear();
        subscriptions.uncounted();
        if (queueSubscription != null) {
            queueSubscription.cancel();
        }
    }

    /**
     * Counts what the session's queue dropped at its bounds since last time; on every delivery (a volatile read),
     * so that a connected session under {@code drop} is counted as it goes, and when the client comes back.
     */
    private void countQueueDrops() {
        if (queue == null) {
            return;
        }
        long dropped = queue.droppedCount() - droppedCounted;
        if (dropped > 0) {
            services.stats().dropped(MqttDropReason.QUEUE_FULL, dropped);
            droppedCounted += dropped;
        }
    }

    /** The client is back: what its queue dropped meanwhile is logged once. */
    private void reportDrops() {
        countQueueDrops();
        if (droppedCounted > droppedLogged) {
            log.warn("Client '{}': {} message(s) dropped because its queue was full (QoS 0 first; bounds {})",
                    clientId, droppedCounted - droppedLogged, queue.settings().arguments());
            droppedLogged = droppedCounted;
        }
    }

    // ---- from the queue (shard thread) ----

    @Override
    public void deliver(Delivery delivery) {
        execute(() -> onQueueDelivery(delivery));
    }

    /** A delivery from a shared subscription's group, served at the member's grant (owner loop). */
    void deliverShared(Delivery delivery, SubscriptionOptions options) {
        onDelivery(delivery, options.qos(), options.hasDeliveryOptions() ? MatchedSubscriptions.of(options) : null);
    }

    /**
     * A member stops consuming from its group, which takes back what it holds unsettled: those PUBLISHes are no
     * longer this session's to resend or settle (owner loop).
     */
    void forgetInFlight(Subscription group) {
        outbound.forgetWhere(publish -> publish.deliveredThrough(group));
    }

    @Override
    public void queueDeleted(Queue deleted) {
        execute(() -> {
            if (discarded) {
                return;
            }
            // Deleted by someone else (the management API may): the session ends, online or offline, so that the
            // client's next CONNECT starts afresh rather than resuming a session without a queue.
            log.warn("Client '{}': its session queue was deleted; the session ends", clientId);
            endAndDisconnect("session queue deleted");
        });
    }

    /** The management API deletes the session: it ends for good, and its client, if connected, is disconnected. */
    void drop() {
        if (!discarded) {
            log.info("Client '{}': session deleted through the management API", clientId);
            endAndDisconnect("session deleted through the management API");
        }
    }

    /** An operator ended the session: its client, if connected, is told so (0x98, Administrative action). */
    private void endAndDisconnect(String reason) {
        MqttConnection current = connection;
        end();
        if (current != null) {
            current.disconnect(ReasonCode.ADMINISTRATIVE_ACTION, reason);
        }
    }

    /** What the management API shows of this session; on the owner loop. */
    MqttSessionSnapshot snapshot() {
        return new MqttSessionSnapshot(clientId, cleanSession, connection != null, subscriptions.snapshot(),
                queue == null ? 0 : queue.readyCount(), outbound.size(), queueName(), services.vhost().name(), user,
                lastConnected);
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public boolean isOnline() {
        return online;
    }

    /** The queue looks at its flow again: publishers it held back for this session go on while it is offline. */
    private void wentOffline() {
        online = false;
        shared.detach();
        if (queueSubscription != null) {
            queueSubscription.resume();
        }
    }

    /** Follows the connection's writability; when it can take more, the queue resumes delivering. */
    void writabilityChanged() {
        boolean now = connection != null && connection.isWritable();
        if (now && !writable) {
            writable = true;
            if (queueSubscription != null) {
                queueSubscription.resume();
            }
            shared.resume();
        } else {
            writable = now;
        }
    }

    private void onQueueDelivery(Delivery delivery) {
        Message message = delivery.message();
        String topicName = message.mqttTopicName();
        int granted = grantedQos(delivery, topicName);
        MatchedSubscriptions matched = null;
        if (subscriptions.hasDeliveryOptions()) {
            // The route carries the QoS alone: No Local, Retain As Published and identifiers need the filters.
            matched = subscriptions.deliveryFor(topicName, clientId.equals(message.publisher()));
            granted = matched == null ? SessionSubscriptions.NO_MATCH : matched.qos();
        }
        onDelivery(delivery, granted, matched);
    }

    private void onDelivery(Delivery delivery, int granted, MatchedSubscriptions matched) {
        Message message = delivery.message();
        if (discarded) {
            message.release();
            return;
        }
        countQueueDrops();
        String topicName = message.mqttTopicName();
        if (granted == SessionSubscriptions.NO_MATCH || !readAllowed(topicName)) {
            delivery.subscription().settle(delivery.entryId());
            message.release();
            return;
        }
        publishes.deliver(delivery, topicName, granted, matched);
    }

    /**
     * The QoS the route granted: the core matched the message against this session's filters when it was published
     * and kept the highest grant. A message restored from the store after a restart has no stored route: its
     * grant is found again from the session's filters.
     */
    private int grantedQos(Delivery delivery, String topicName) {
        return delivery.grantedQos() != MqttBindingArguments.NOT_MQTT ? delivery.grantedQos()
                : subscriptions.maxGrantedQos(topicName);
    }

    /** Mosquitto checks every delivery against the read ACL: a subscription may be wider than a deny line. */
    private boolean readAllowed(String topicName) {
        return acl == null || acl.canRead(topicName);
    }

    // ---- from the connection (owner loop) ----

    void pubAck(int packetId) {
        outbound.pubAck(packetId);
        publishes.sendWaiting();
    }

    /** @param refused an MQTT 5 PUBREC with a failure reason code */
    void pubRec(int packetId, boolean refused) {
        publishes.pubRec(packetId, refused);
    }

    void pubComp(int packetId) {
        outbound.pubComp(packetId);
        publishes.sendWaiting();
    }

    /** Whether outbound QoS 1/2 messages await the client's acknowledgement (owner loop). */
    boolean awaitsAcknowledgements() {
        return !outbound.isEmpty();
    }

    /** Inbound QoS 2 (PUBREC/PUBREL), on the owner loop. */
    InboundQos2 inboundQos2() {
        return inboundQos2;
    }

    /**
     * Subscribes (see {@link SessionFilters#subscribe}); a clean session's first filter to bind declares its queue.
     * {@code $SYS} filters are no bindings: the broker serves them itself ({@link #deliverSys}).
     */
    ReasonCode subscribe(String filter, SubscriptionOptions options) {
        if (SharedSubscription.isShared(filter)) {
            return shared.subscribe(filter, options) ? subscriptions.subscribe(filter, options)
                    : ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR;
        }
        if (queue == null && SessionFilters.boundToSessionQueue(filter)) {
            try {
                openQueueOnFirstSubscribe();
            } catch (BrokerException e) {
                log.warn("Client '{}': subscription to '{}' refused: {}", clientId, filter, e.getMessage());
                return ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR;
            }
        }
        return subscriptions.subscribe(filter, options);
    }

    /** Whether the session has a subscription with exactly this filter (owner loop). */
    boolean hasSubscription(String filter) {
        return subscriptions.contains(filter);
    }

    /** Whether subscribing to {@code filter} keeps the session within {@code max} filters (0: no limit). */
    boolean hasRoomFor(String filter, int max) {
        return subscriptions.hasRoomFor(filter, max);
    }

    /**
     * After SUBSCRIBE or UNSUBSCRIBE: {@code stored} learns when the session's record is durable; SUBACK and
     * UNSUBACK wait for it.
     */
    void recordSubscriptions(StoreListener stored) {
        subscriptions.record(stored);
    }

    /**
     * The retained messages matching a new subscription, with RETAIN set [MQTT-3.3.1-6]; they may precede a SUBACK
     * that waits for the store, as MQTT 3.1.1 section 3.8.4 permits.
     */
    void sendRetained(String filter) {
        SubscriptionOptions subscription = subscriptions.get(filter);
        services.retained().forEachMatching(filter, message -> {
            String topicName = message.mqttTopicName();
            if (readAllowed(topicName)) {
                publishes.sendRetained(topicName, subscription, message);
            } else {
                message.release();
            }
        });
        publishes.flush();
    }

    /** Returns false if the session had no subscription with this filter. */
    boolean unsubscribe(String filter) {
        shared.unsubscribe(filter);
        return subscriptions.unsubscribe(filter);
    }

    /** A {@code $SYS} update, sent at QoS 0 to a connected session that subscribed to its topic. */
    void deliverSys(String topicName, Message message) {
        if (subscriptions.hasDeliveryOptions()) {
            // The subscription identifiers of the matching $SYS filters go with the update [MQTT-3.3.4-3].
            MatchedSubscriptions matched = subscriptions.deliveryFor(topicName, false);
            if (matched != null) {
                publishes.sendSys(topicName, message, matched.properties());
                return;
            }
        } else if (subscriptions.maxGrantedQos(topicName) != SessionSubscriptions.NO_MATCH) {
            publishes.sendSys(topicName, message, MqttProperties.NONE);
            return;
        }
        message.release();
    }
}
