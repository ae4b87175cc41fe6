package dev.junction.core;

/**
 * Why the core refused an operation, in terms both protocols can translate: AMQP turns each into its reply code,
 * MQTT into a CONNACK/SUBACK code or a closed connection.
 */
public enum ErrorKind {
    /** The named exchange, queue or vhost does not exist (AMQP 404). */
    NOT_FOUND,
    /** A redeclaration or argument conflicts with what exists, or a condition such as if-unused fails (AMQP 406). */
    PRECONDITION_FAILED,
    /** Another connection owns the resource exclusively (AMQP 405). */
    RESOURCE_LOCKED,
    /** The caller may not touch the resource: reserved names, permissions (AMQP 403). */
    ACCESS_REFUSED,
    /** The operation is not allowed in the broker's current configuration (AMQP 530). */
    NOT_ALLOWED
}
