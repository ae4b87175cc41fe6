package dev.junction.server.mqtt;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Broker-wide MQTT counters for {@code $SYS}; striped adders so that counting never contends. */
final class MqttStats {
    final long startedAtNanos = System.nanoTime();
    final AtomicInteger clientsConnected = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder messagesSent = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder messagesDropped = new LongAdder();
}
