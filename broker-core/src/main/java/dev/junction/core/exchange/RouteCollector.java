package dev.junction.core.exchange;

import dev.junction.core.queue.Queue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The queues one publish reaches, each once however many bindings lead to it (and however many of its routing keys
 * match), with the highest QoS granted by the MQTT subscriptions among those bindings, and the exchanges already
 * visited so that exchange-to-exchange bindings that form a cycle end. Small fan-outs (the common case) are
 * deduplicated by a linear scan; wide ones switch to a hash map. A publish that meets no MQTT subscription
 * allocates nothing for grants.
 */
public final class RouteCollector {
    private static final int LINEAR_LIMIT = 16;

    private final String[] extraKeys;
    private final List<Queue> queues = new ArrayList<>(4);
    private Map<Queue, Integer> indexes;
    /** By queue index: the highest granted QoS plus one (0: no MQTT subscription); null until the first grant. */
    private byte[] grants;
    private List<Exchange> visitedExchanges;

    /** Routing by the message's own routing key and by {@code extraKeys}, read once per publish. */
    public RouteCollector(String[] extraKeys) {
        this.extraKeys = extraKeys;
    }

    /** The routing keys besides the message's own that every exchange routing by key uses for this publish. */
    String[] extraKeys() {
        return extraKeys;
    }

    public void addQueue(Queue queue) {
        indexOf(queue);
    }

    /** A queue reached through an MQTT subscription that granted {@code grantedQos}. */
    public void addQueue(Queue queue, int grantedQos) {
        int index = indexOf(queue);
        if (grants == null) {
            grants = new byte[Math.max(4, queues.size())];
        } else if (index >= grants.length) {
            grants = Arrays.copyOf(grants, Math.max(grants.length * 2, index + 1));
        }
        grants[index] = (byte) Math.max(grants[index], grantedQos + 1);
    }

    /** The highest QoS the MQTT subscriptions granted for {@code queues().get(index)}, or {@link MqttBindingArguments#NOT_MQTT}. */
    public int grantedQos(int index) {
        return grants == null || index >= grants.length ? MqttBindingArguments.NOT_MQTT : grants[index] - 1;
    }

    private int indexOf(Queue queue) {
        if (indexes != null) {
            Integer known = indexes.putIfAbsent(queue, queues.size());
            if (known != null) {
                return known;
            }
            queues.add(queue);
            return queues.size() - 1;
        }
        int known = queues.indexOf(queue);
        if (known >= 0) {
            return known;
        }
        queues.add(queue);
        if (queues.size() > LINEAR_LIMIT) {
            indexes = new HashMap<>();
            for (int i = 0; i < queues.size(); i++) {
                indexes.put(queues.get(i), i);
            }
        }
        return queues.size() - 1;
    }

    /** Returns false if the exchange was already visited during this routing. */
    boolean enter(Exchange exchange) {
        if (visitedExchanges == null) {
            visitedExchanges = new ArrayList<>(2);
        } else if (visitedExchanges.contains(exchange)) {
            return false;
        }
        visitedExchanges.add(exchange);
        return true;
    }

    public List<Queue> queues() {
        return queues;
    }

    public boolean isEmpty() {
        return queues.isEmpty();
    }
}
