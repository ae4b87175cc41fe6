package dev.junction.server.mqtt;

import dev.junction.core.Arguments;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueArguments;
import dev.junction.core.vhost.VirtualHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Brings the queues of stored sessions to the limits of the current configuration ({@code mqtt.max_queued_messages},
 * {@code mqtt.max_queued_bytes}, {@code mqtt.dead_letter_exchange}): a queue keeps the arguments it was declared
 * with (by an older version, or before the operator changed a key), so its limits are laid over them through the
 * core's {@link VirtualHost#overrideLimits}. Done at start, before any client connects, because the queue of a
 * session whose client stays away is the one that needs them: it fills while the client is offline.
 */
final class SessionQueueLimits {
    private static final Logger LOG = LoggerFactory.getLogger(SessionQueueLimits.class);

    private SessionQueueLimits() {
    }

    static void apply(VirtualHost vhost, MqttSettings settings, Collection<String> clientIds) {
        Map<String, Integer> changes = new TreeMap<>();
        for (String clientId : clientIds) {
            Queue queue = vhost.queue(MqttSession.queueName(clientId));
            if (queue == null) {
                continue;
            }
            Map<String, Object> wanted = settings.sessionQueueLimits(clientId);
            String change = describeChange(QueueArguments.overridden(queue.settings().arguments(),
                    queue.limitOverrides()), wanted);
            if (!change.isEmpty()) {
                vhost.overrideLimits(queue.name(), wanted);
                changes.merge(change, 1, Integer::sum);
            }
        }
        changes.forEach((change, queues) -> LOG.info("Stored MQTT session queues changed to the configured limits "
                + "({} of them): {}", queues, change));
    }

    /** The limits that differ, as "name old -> new", in name order; empty when none does. */
    private static String describeChange(Map<String, Object> current, Map<String, Object> wanted) {
        List<String> changed = new ArrayList<>();
        new TreeMap<>(wanted).forEach((name, value) -> {
            Object was = current.get(name);
            if (was == null ? value != null : !Arguments.sameValue(was, value)) {
                changed.add(name + " " + shown(was) + " -> " + shown(value));
            }
        });
        return String.join(", ", changed);
    }

    /** The client id header differs per session: its name is shown, so that one line covers all the queues. */
    private static String shown(Object value) {
        if (value == null) {
            return "none";
        }
        return value instanceof Map<?, ?> headers ? "headers " + headers.keySet() : value.toString();
    }
}
