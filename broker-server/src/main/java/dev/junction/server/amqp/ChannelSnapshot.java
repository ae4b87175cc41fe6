package dev.junction.server.amqp;

import java.util.List;

/** One open AMQP channel as the management API shows it, read on its connection's event loop. */
public record ChannelSnapshot(int number, int prefetchCount, int globalPrefetchCount, int consumerCount,
                              int messagesUnacknowledged, boolean confirm, boolean transactional, String state,
                              List<ConsumerSnapshot> consumers) {
}
