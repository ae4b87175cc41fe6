package dev.junction.server.mqtt;

import dev.junction.server.mqtt.MqttDurableState.RecoveredSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.junction.core.queue.Queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Client identifier to session, broker-wide. Choosing the session for a CONNECT is one atomic step per client id;
 * the work that follows (closing a previous connection, ending or moving the session) runs on the owner loop of
 * the session concerned. Persistent sessions recovered from the store wait here, as records, until their client
 * connects again or they expire.
 */
final class SessionRegistry {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    private final ConcurrentHashMap<String, MqttSession> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, RecoveredSession> recovered;
    /**
     * The wills recovered sessions' lost connections left waiting; whoever removes one decides it: published when
     * due or when the session ends, cancelled when the client resumes the session.
     */
    private final ConcurrentHashMap<String, PendingWill> recoveredWills = new ConcurrentHashMap<>();
    /** Per client id, the last CONNECT taken in: the next one for that id waits until it is decided. */
    private final ConcurrentHashMap<String, CompletableFuture<Void>> connecting = new ConcurrentHashMap<>();
    private final SessionServices services;

    SessionRegistry(SessionServices services, Map<String, RecoveredSession> recovered) {
        this.services = services;
        this.recovered = new ConcurrentHashMap<>(recovered);
        recovered.values().forEach(session -> {
            if (session.will() != null) {
                recoveredWills.put(session.clientId(), session.will());
            }
        });
        if (!recovered.isEmpty()) {
            log.info("{} persistent MQTT session(s) recovered; each resumes when its client connects",
                    recovered.size());
        }
    }

    /**
     * Finds or creates the session for an accepted CONNECT and attaches the connection to it. CONNECTs with one
     * client id are taken one at a time, each once the one before it is accepted or refused: a takeover then
     * always finds the previous connection attached (and closes it), never half-way through setting up, and a
     * clean session starts only once the queue of the session it replaces is gone [MQTT-3.1.4-2].
     *
     * @param cleanStart clean session (3.1.1) or Clean Start (5): an existing session is discarded
     * @param expiry     how long the session is to outlive the connection: a new session is persistent (a durable
     *                   queue, recorded) when it is to outlive it at all
     */
    void connect(String clientId, boolean cleanStart, Duration expiry, MqttConnection connection) {
        CompletableFuture<Void> decided = connection.sessionDecided();
        List<CompletableFuture<Void>> before = new ArrayList<>(1);
        // The next CONNECT waits for this one and for everything before it: a connection that closes while it
        // waits its turn is decided at once, but the CONNECTs ahead of it still run first.
        CompletableFuture<Void> turn = connecting.compute(clientId, (id, previous) -> {
            if (previous != null) {
                before.add(previous);
            }
            return previous == null ? decided : CompletableFuture.allOf(previous, decided);
        });
        turn.whenComplete((done, failure) -> connecting.remove(clientId, turn));
        if (before.isEmpty()) {
            takeOver(clientId, cleanStart, expiry, connection);
        } else {
            before.get(0).whenComplete((done, failure) -> takeOver(clientId, cleanStart, expiry, connection));
        }
    }

    private void takeOver(String clientId, boolean cleanSession, Duration expiry, MqttConnection connection) {
        MqttSession[] previous = new MqttSession[1];
        RecoveredSession[] stored = new RecoveredSession[1];
        MqttSession session = sessions.compute(clientId, (id, existing) -> {
            previous[0] = existing;
            if (existing != null && !cleanSession && existing.isPersistent()) {
                return existing;
            }
            stored[0] = existing == null ? recovered.remove(id) : null;
            // A stored session resumed with an expiry of 0 stays persistent until its connection ends, and ends then.
            boolean persistent = !expiry.isZero() || (!cleanSession && stored[0] != null);
            return new MqttSession(id, !persistent, this, services, connection.eventLoop(),
                    cleanSession ? null : stored[0]);
        });
        if (stored[0] != null && !cleanSession) {
            cancelRecoveredWill(clientId);
        }
        MqttSession old = previous[0];
        if (old == session) {
            old.execute(() -> {
                if (!old.handOver(connection)) {
                    // It expired between the lookup and now: start afresh.
                    takeOver(clientId, cleanSession, expiry, connection);
                }
            });
        } else if (old != null) {
            old.execute(() -> old.replace(() -> session.execute(() -> session.start(connection))));
        } else if (stored[0] != null && cleanSession) {
            // [MQTT-3.1.2-6] a clean session discards the stored one, whose durable queue has the same name.
            forget(stored[0]).whenComplete((count, failure) -> session.execute(() -> session.start(connection)));
        } else {
            session.execute(() -> session.start(connection));
        }
    }

    /**
     * Each recovered session ends if its client does not come back within its own expiry interval (at most
     * {@code cap}; {@code cap} for a session recorded without one), counted from now, the start of this run.
     */
    void expireRecoveredAfter(ScheduledExecutorService timer, Duration cap) {
        for (RecoveredSession session : recovered.values()) {
            Duration expiry = session.expiry() == null || session.expiry().compareTo(cap) > 0 ? cap
                    : session.expiry();
            timer.schedule(() -> expireRecovered(session), expiry.toMillis(), TimeUnit.MILLISECONDS);
            if (session.will() != null) {
                // Due at the earlier of its delay and the session's expiry as the lost connection counted them;
                // at once if that passed while the broker was down.
                timer.schedule(() -> publishRecoveredWill(session.clientId()), session.will().delayMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
    }

    private void publishRecoveredWill(String clientId) {
        PendingWill will = recoveredWills.remove(clientId);
        if (will != null) {
            will.publish(clientId, services.publisher());
            services.durable().willGone(clientId);
        }
    }

    /** The client resumed its recovered session in time: the will is not published [MQTT-3.1.3-9]. */
    private void cancelRecoveredWill(String clientId) {
        if (recoveredWills.remove(clientId) != null) {
            services.durable().willGone(clientId);
        }
    }

    private void expireRecovered(RecoveredSession session) {
        if (recovered.remove(session.clientId(), session)) {
            log.info("Recovered session of client '{}' expired", session.clientId());
            forget(session);
        }
    }

    /** A recovered session ends: a will still waiting goes now [MQTT-3.1.3-9]. */
    private CompletableFuture<Integer> forget(RecoveredSession session) {
        publishRecoveredWill(session.clientId());
        services.durable().forgetSession(session.clientId(), session.awaitingPubRel(), session.sentQos2().keySet());
        services.sharedGroups().leaveAll(session.clientId(), session.subscriptions().keySet());
        return services.vhost().deleteQueue(MqttSession.queueName(session.clientId()), null, false, false);
    }

    /**
     * The management API's view of every session, the recovered ones whose client has not come back included
     * (those are offline and were never connected in this run).
     */
    CompletableFuture<List<MqttSessionSnapshot>> snapshots() {
        List<CompletableFuture<MqttSessionSnapshot>> live = new ArrayList<>();
        for (MqttSession session : sessions.values()) {
            CompletableFuture<MqttSessionSnapshot> snapshot = new CompletableFuture<>();
            session.execute(() -> snapshot.complete(session.snapshot()));
            live.add(snapshot);
        }
        List<MqttSessionSnapshot> waiting = recovered.values().stream().map(this::snapshot).toList();
        return CompletableFuture.allOf(live.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<MqttSessionSnapshot> all = new ArrayList<>(waiting);
            live.forEach(snapshot -> all.add(snapshot.join()));
            all.sort(Comparator.comparing(MqttSessionSnapshot::clientId));
            return all;
        });
    }

    private MqttSessionSnapshot snapshot(RecoveredSession session) {
        String queueName = MqttSession.queueName(session.clientId());
        Queue queue = services.vhost().queue(queueName);
        return new MqttSessionSnapshot(session.clientId(), false, false, SessionFilters.qosByFilter(session.subscriptions()),
                queue == null ? 0 : queue.readyCount(), 0, queueName, services.vhost().name(), null, null);
    }

    /** Ends the client's session, connected or not; false if it has none. */
    boolean drop(String clientId) {
        MqttSession session = sessions.get(clientId);
        if (session != null) {
            session.execute(session::drop);
            return true;
        }
        RecoveredSession stored = recovered.remove(clientId);
        if (stored != null) {
            forget(stored);
            return true;
        }
        return false;
    }

    /** Removes the session if it is still the one registered for its client id. */
    boolean remove(MqttSession session) {
        return sessions.remove(session.clientId(), session);
    }

    Collection<MqttSession> all() {
        return sessions.values();
    }

    int size() {
        return sessions.size() + recovered.size();
    }
}
