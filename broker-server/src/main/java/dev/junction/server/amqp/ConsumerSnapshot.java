package dev.junction.server.amqp;

import java.util.Map;

/** One basic.consume of an open channel as the management API shows it, read on its connection's event loop. */
public record ConsumerSnapshot(String tag, String queue, boolean ackRequired, boolean exclusive, int prefetchCount,
                               Map<String, Object> arguments) {
}
