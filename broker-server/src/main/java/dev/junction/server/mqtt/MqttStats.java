package dev.junction.server.mqtt;

import dev.junction.server.stats.MessageCounters;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Broker-wide MQTT counters for {@code $SYS}; striped adders so that counting never contends. */
final class MqttStats {
    final long startedAtNanos = System.nanoTime();
    final AtomicInteger clientsConnected = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();
    /** The flow the metrics endpoint shows; the {@code $SYS} counters below are some of its adders. */
    final MessageCounters messages = new MessageCounters();
    final LongAdder messagesReceived = messages.published;
    final LongAdder messagesSent = messages.delivered;
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder messagesDropped = messages.dropped;
    private final LongAdder[] droppedByReason = new LongAdder[MqttDropReason.values().length];

    MqttStats() {
        for (int i = 0; i < droppedByReason.length; i++) {
            droppedByReason[i] = new LongAdder();
        }
    }

    /** Counts messages not sent to a subscriber, in the total and under their reason. */
    void dropped(MqttDropReason reason, long count) {
        droppedByReason[reason.ordinal()].add(count);
        messagesDropped.add(count);
    }

    long dropped(MqttDropReason reason) {
        return droppedByReason[reason.ordinal()].sum();
    }
}
