package dev.junction.server.net;

/**
 * Why the broker ends a client connection: it shuts down, or an operator asked for it.
 *
 * @param text what the log and the client are told, e.g. {@code closed by user 'admin' through the management API}
 */
public record CloseReason(String text) {
    /** At broker shutdown; RabbitMQ's word for it. */
    public static final CloseReason SHUTDOWN = new CloseReason("shutdown");

    /** An operator's request, named by who made it and how. */
    public static CloseReason requestedBy(String user, String through) {
        return new CloseReason("closed by user '" + user + "' through " + through);
    }

    public boolean isShutdown() {
        return this == SHUTDOWN;
    }
}
