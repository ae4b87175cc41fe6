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
}
