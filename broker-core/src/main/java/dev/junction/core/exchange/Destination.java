package dev.junction.core.exchange;

import dev.junction.core.message.Message;

/** What a binding leads to: a queue, which takes the message, or an exchange, which routes it on. */
public interface Destination {
    String name();

    void accept(Message message, RouteCollector collector);

    /** The bindings leading here, kept by the vhost. */
    IncomingBindings incomingBindings();
}
