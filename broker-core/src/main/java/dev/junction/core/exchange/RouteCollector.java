package dev.junction.core.exchange;

import dev.junction.core.queue.Queue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The queues one publish reaches, each once however many bindings lead to it (and however many of its routing keys
 * match), and the exchanges already visited so that exchange-to-exchange bindings that form a cycle end. Small
 * fan-outs (the common case) are deduplicated by a linear scan; wide ones switch to a hash set.
 */
public final class RouteCollector {
    private static final int LINEAR_LIMIT = 16;

    private final String[] extraKeys;
    private final List<Queue> queues = new ArrayList<>(4);
    private Set<Queue> seen;
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
        if (seen != null) {
            if (seen.add(queue)) {
                queues.add(queue);
            }
            return;
        }
        if (queues.contains(queue)) {
            return;
        }
        queues.add(queue);
        if (queues.size() > LINEAR_LIMIT) {
            seen = new HashSet<>(queues);
        }
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
