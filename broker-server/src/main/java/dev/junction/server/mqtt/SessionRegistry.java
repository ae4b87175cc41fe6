package dev.junction.server.mqtt;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client identifier to session, broker-wide. Choosing the session for a CONNECT is one atomic step per client id;
 * the work that follows (closing a previous connection, ending or moving the session) runs on the owner loop of
 * the session concerned.
 */
final class SessionRegistry {
    private final ConcurrentHashMap<String, MqttSession> sessions = new ConcurrentHashMap<>();
    private final MqttBroker broker;

    SessionRegistry(MqttBroker broker) {
        this.broker = broker;
    }

    /** Finds or creates the session for an accepted CONNECT and attaches the connection to it. */
    void connect(String clientId, boolean cleanSession, MqttConnection connection) {
        MqttSession[] previous = new MqttSession[1];
        MqttSession session = sessions.compute(clientId, (id, existing) -> {
            previous[0] = existing;
            return existing != null && !cleanSession && existing.isPersistent()
                    ? existing : new MqttSession(id, cleanSession, broker, connection.eventLoop());
        });
        MqttSession old = previous[0];
        if (old == session) {
            old.execute(() -> {
                if (!old.handOver(connection)) {
                    // It expired between the lookup and now: start afresh.
                    connect(clientId, cleanSession, connection);
                }
            });
        } else if (old != null) {
            old.execute(() -> old.replace(() -> session.execute(() -> session.start(connection))));
        } else {
            session.execute(() -> session.start(connection));
        }
    }

    /** Removes the session if it is still the one registered for its client id. */
    boolean remove(MqttSession session) {
        return sessions.remove(session.clientId(), session);
    }

    Collection<MqttSession> all() {
        return sessions.values();
    }

    int size() {
        return sessions.size();
    }
}
