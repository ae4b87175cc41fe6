package dev.junction.server.mqtt;

import dev.junction.core.exchange.MqttBindingArguments;
import dev.junction.core.queue.ConsumerSelection;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.topic.SharedSubscription;
import dev.junction.core.vhost.VirtualHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The broker's shared-subscription groups. A group is one ordinary core queue, {@code mqtt-shared-<group>-<filter>},
 * bound on the MQTT exchange with the group's filter: each message goes to one of its consumers, MQTT members and
 * AMQP consumers alike, as the queue's {@code x-consumer-selection} picks. The group exists while a session holds
 * it (connected, or persistent and offline: its queue then keeps collecting for it) and is deleted with its last
 * holder. It is durable when a persistent session declared it, so that it and its messages survive a restart with
 * the sessions that hold it.
 *
 * <p>Threads: sessions join and leave from their own loops; each group's holders change atomically in the map.
 */
final class SharedGroups {
    private static final Logger log = LoggerFactory.getLogger(SharedGroups.class);
    private static final String QUEUE_PREFIX = "mqtt-shared-";
    /** The group's binding grants the highest QoS; each member is then served at its own grant. */
    private static final Map<String, Object> BINDING = MqttBindingArguments.of(2);

    private final VirtualHost vhost;
    private final String exchange;
    private final Map<String, Object> queueArguments;
    /** Group queue name to the client ids of the sessions that hold it. */
    private final Map<String, Set<String>> holders = new ConcurrentHashMap<>();

    SharedGroups(VirtualHost vhost, String exchange, ConsumerSelection selection) {
        this.vhost = vhost;
        this.exchange = exchange;
        this.queueArguments = Map.of(ConsumerSelection.ARGUMENT, selection.argumentValue());
    }

    static String queueName(SharedSubscription shared) {
        return QUEUE_PREFIX + shared.shareName() + '-' + shared.topicFilter();
    }

    /**
     * The sessions recovered at start-up hold their groups again; a group queue held by none of them (its holders
     * were clean sessions, or ended before the restart) is deleted.
     */
    void recover(Map<String, MqttDurableState.RecoveredSession> sessions) {
        sessions.values().forEach(session -> session.subscriptions().keySet().stream()
                .filter(filter -> SharedSubscription.isShared(filter)
                        && SharedSubscription.invalidReason(filter) == null)
                .forEach(filter -> holdersOf(queueName(SharedSubscription.parse(filter))).add(session.clientId())));
        for (Queue queue : List.copyOf(vhost.queues())) {
            if (queue.name().startsWith(QUEUE_PREFIX) && !holders.containsKey(queue.name())) {
                log.info("Deleting '{}': a shared subscription group no stored session holds", queue.name());
                vhost.deleteQueue(queue.name(), null, false, false);
            }
        }
    }

    private Set<String> holdersOf(String queueName) {
        return holders.computeIfAbsent(queueName, name -> ConcurrentHashMap.newKeySet());
    }

    /**
     * The session holds the group, which is declared and bound if it does not exist (durable if the session is
     * persistent); returns its queue. Joining again is harmless. Throws what the core refuses.
     */
    Queue join(SharedSubscription shared, String clientId, boolean persistent) {
        String queueName = queueName(shared);
        Queue[] queue = new Queue[1];
        holders.compute(queueName, (name, held) -> {
            Queue existing = vhost.queue(name);
            if (existing == null) {
                existing = vhost.declareQueue(name, new QueueSettings(persistent, null, false, queueArguments));
                vhost.bindQueue(exchange, name, shared.topicFilter(), BINDING, null);
            }
            queue[0] = existing;
            Set<String> result = held == null ? ConcurrentHashMap.newKeySet() : held;
            result.add(clientId);
            return result;
        });
        return queue[0];
    }

    /** The session no longer holds the group; the last holder's leaving deletes it, and its queued messages. */
    void leave(SharedSubscription shared, String clientId) {
        holders.computeIfPresent(queueName(shared), (name, held) -> {
            held.remove(clientId);
            if (!held.isEmpty()) {
                return held;
            }
            log.debug("Shared subscription group '{}' has no member left; deleted", name);
            vhost.deleteQueue(name, null, false, false);
            return null;
        });
    }

    /** A session that ends for good leaves every group it held (its record gives them, recovered or not). */
    void leaveAll(String clientId, Set<String> filters) {
        for (String filter : filters) {
            if (SharedSubscription.isShared(filter) && SharedSubscription.invalidReason(filter) == null) {
                leave(SharedSubscription.parse(filter), clientId);
            }
        }
    }
}
