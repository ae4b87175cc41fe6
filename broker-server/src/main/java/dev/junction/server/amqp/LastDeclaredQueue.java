package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.AmqpMethod;

/**
 * RabbitMQ's shortcut: an empty queue name in bind, unbind, purge, delete, consume or get means the queue the
 * channel declared last. Event-loop state of one channel, shared by its topology and consumer sides.
 */
final class LastDeclaredQueue {
    private String name = "";

    void declared(String queue) {
        name = queue;
    }

    String resolve(String requested, AmqpMethod method) {
        if (!requested.isEmpty()) {
            return requested;
        }
        if (name.isEmpty()) {
            throw AmqpError.soft(AmqpConstants.NOT_FOUND, "no previously declared queue", method);
        }
        return name;
    }
}
