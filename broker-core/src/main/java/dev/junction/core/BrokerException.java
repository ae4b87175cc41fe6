package dev.junction.core;

/** A refusal by the routing core, carrying a protocol-neutral kind and a message fit to show to a client. */
public final class BrokerException extends RuntimeException {
    private final ErrorKind kind;

    public BrokerException(ErrorKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public ErrorKind kind() {
        return kind;
    }

    public static BrokerException notFound(String message) {
        return new BrokerException(ErrorKind.NOT_FOUND, message);
    }

    public static BrokerException preconditionFailed(String message) {
        return new BrokerException(ErrorKind.PRECONDITION_FAILED, message);
    }

    public static BrokerException accessRefused(String message) {
        return new BrokerException(ErrorKind.ACCESS_REFUSED, message);
    }

    public static BrokerException resourceLocked(String message) {
        return new BrokerException(ErrorKind.RESOURCE_LOCKED, message);
    }
}
