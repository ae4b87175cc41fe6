package dev.junction.server.mqtt;

import dev.junction.core.BrokerException;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueConsumer;
import dev.junction.core.queue.Subscription;
import dev.junction.core.topic.SharedSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One session's shared subscriptions ({@code $share/{group}/{filter}}): for each, the session is a consumer of the
 * group's queue ({@link SharedGroups}) while it is connected, besides its own queue. A member takes at most
 * {@code mqtt.max_inflight} unacknowledged messages of a group; each delivery is served at the lower of the message's
 * QoS and the member's grant, with a packet identifier of the session's space, and its acknowledgement settles it in
 * the group's queue. When the connection goes, the member stops consuming and the group's queue takes back what the
 * member had not had acknowledged, for another member, marked redelivered: a departed member owes the group nothing.
 * A persistent session stays a holder of its groups while offline.
 *
 * <p>Owned by the session's owner loop.
 */
final class SharedMemberships {
    private static final Logger log = LoggerFactory.getLogger(SharedMemberships.class);

    private final MqttSession session;
    private final SharedGroups groups;
    private final int maxInflight;
    private final BooleanSupplier onOwnerThread;
    /** Filter as written to its membership, in the order subscribed. */
    private final Map<String, Member> members = new LinkedHashMap<>();
    private boolean attached;

    /**
     * @param recovered a persistent session's filters with their grants before a restart: its shared ones are
     *                  memberships again
     */
    SharedMemberships(MqttSession session, SharedGroups groups, int maxInflight, Map<String, SubscriptionOptions> recovered,
                      BooleanSupplier onOwnerThread) {
        this.session = session;
        this.groups = groups;
        this.maxInflight = maxInflight;
        this.onOwnerThread = onOwnerThread;
        recovered.forEach((filter, options) -> {
            if (SharedSubscription.isShared(filter) && SharedSubscription.invalidReason(filter) == null) {
                members.put(filter, new Member(SharedSubscription.parse(filter), options));
            }
        });
    }

    /**
     * Joins the group or changes this member's options; the filter is a valid shared subscription. Returns false if
     * the core refuses the group's queue.
     */
    boolean subscribe(String filter, SubscriptionOptions options) {
        assert onOwnerThread.getAsBoolean() : "a session's memberships are its owner loop's";
        assert SharedSubscription.invalidReason(filter) == null : "SubscriptionRequests refuses an invalid one first";
        Member member = members.get(filter);
        if (member == null) {
            member = new Member(SharedSubscription.parse(filter), options);
            try {
                groups.join(member.shared, session.clientId(), session.isPersistent());
            } catch (BrokerException e) {
                log.warn("Client '{}': shared subscription '{}' refused: {}", session.clientId(), filter,
                        e.getMessage());
                return false;
            }
            members.put(filter, member);
            if (attached) {
                member.consume();
            }
        }
        member.options = options;
        return true;
    }

    /** Leaves the group: what the member held unacknowledged goes back to it. */
    void unsubscribe(String filter) {
        assert onOwnerThread.getAsBoolean() : "a session's memberships are its owner loop's";
        Member member = members.remove(filter);
        if (member != null) {
            member.stop();
            groups.leave(member.shared, session.clientId());
        }
    }

    /** A connection is attached: every member consumes from its group (recovered ones rejoin it first). */
    void attach() {
        assert onOwnerThread.getAsBoolean() : "a session's memberships are its owner loop's";
        attached = true;
        for (Member member : List.copyOf(members.values())) {
            member.consume();
        }
    }

    /** The connection can take more again: the groups that passed this session over look again. */
    void resume() {
        members.values().forEach(member -> {
            if (member.subscription != null) {
                member.subscription.resume();
            }
        });
    }

    /** The connection went: no member consumes; the groups take back what was unacknowledged. */
    void detach() {
        assert onOwnerThread.getAsBoolean() : "a session's memberships are its owner loop's";
        attached = false;
        members.values().forEach(Member::stop);
    }

    /** The session ends for good: it leaves every group. */
    void leaveAll() {
        detach();
        members.values().forEach(member -> groups.leave(member.shared, session.clientId()));
        members.clear();
    }

    /** Whether a delivery of the session's outbound flow came from a group (its subscription is a member's). */
    static boolean isShared(Delivery delivery) {
        return delivery.subscription().consumer() instanceof Member;
    }

    /** The member's side of the group's queue: deliveries go to the session's loop. */
    final class Member implements QueueConsumer {
        private final SharedSubscription shared;
        private SubscriptionOptions options;
        private Subscription subscription;
        /** Counts consume/stop, so that a subscription completing after a later stop is cancelled at once. */
        private int generation;

        private Member(SharedSubscription shared, SubscriptionOptions options) {
            this.shared = shared;
            this.options = options;
        }

        private void consume() {
            if (subscription != null) {
                return;
            }
            Queue group;
            try {
                // Declares the group again if it is gone: not kept over a restart, or deleted by an operator.
                group = groups.join(shared, session.clientId(), session.isPersistent());
            } catch (BrokerException e) {
                log.warn("Client '{}': cannot rejoin shared subscription '{}': {}", session.clientId(),
                        shared.filter(), e.getMessage());
                return;
            }
            int expected = ++generation;
            group.subscribe(this, new ConsumerOptions(maxInflight, false, false))
                    .whenComplete((made, failure) -> session.execute(() -> {
                        if (failure != null) {
                            log.warn("Client '{}': cannot consume from shared subscription '{}'",
                                    session.clientId(), shared.filter(), failure);
                        } else if (expected != generation || !attached || members.get(shared.filter()) != this) {
                            made.cancel();
                        } else {
                            subscription = made;
                        }
                    }));
        }

        private void stop() {
            generation++;
            if (subscription != null) {
                session.forgetInFlight(subscription);
                subscription.cancel();
                subscription = null;
            }
        }

        @Override
        public void deliver(Delivery delivery) {
            session.execute(() -> {
                // Whether it came through the subscription still consuming.
                if (delivery.subscription() == subscription) {
                    session.deliverShared(delivery, options);
                } else {
                    // Cancelled since (the queue took the entry back already: this is a no-op), or not yet known
                    // here: the entry goes back to the group either way.
                    delivery.subscription().requeue(delivery.entryId());
                    delivery.message().release();
                }
            });
        }

        @Override
        public void queueDeleted(Queue deleted) {
            session.execute(() -> {
                if (subscription != null && subscription.queue() == deleted) {
                    session.forgetInFlight(subscription);
                    subscription = null;
                    if (attached && members.get(shared.filter()) == this) {
                        consume();
                    }
                }
            });
        }

        @Override
        public boolean isWritable() {
            return session.isWritable();
        }
    }
}
