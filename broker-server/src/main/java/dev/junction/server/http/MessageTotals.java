package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.queue.Queue;

/** Messages summed over queues, shown under RabbitMQ's names. */
record MessageTotals(long ready, long unacknowledged) {
    static MessageTotals of(Iterable<Queue> queues) {
        long ready = 0;
        long unacknowledged = 0;
        for (Queue queue : queues) {
            ready += queue.readyCount();
            unacknowledged += queue.unsettledCount();
        }
        return new MessageTotals(ready, unacknowledged);
    }

    MessageTotals plus(MessageTotals other) {
        return new MessageTotals(ready + other.ready, unacknowledged + other.unacknowledged);
    }

    ObjectNode into(ObjectNode node) {
        return node.put("messages", ready + unacknowledged)
                .put("messages_ready", ready)
                .put("messages_unacknowledged", unacknowledged);
    }
}
