package dev.junction.amqp.codec;

/**
 * Input that violates AMQP 0-9-1. {@link #replyCode()} is the spec's reply code for the connection.close the server
 * answers with; the class and method ids name the offending method, or are 0 when no method is involved.
 */
public final class AmqpCodecException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int replyCode;
    private final int classId;
    private final int methodId;

    public AmqpCodecException(int replyCode, String message) {
        this(replyCode, message, 0, 0);
    }

    public AmqpCodecException(int replyCode, String message, int classId, int methodId) {
        super(message, null, false, false);
        this.replyCode = replyCode;
        this.classId = classId;
        this.methodId = methodId;
    }

    public int replyCode() {
        return replyCode;
    }

    public int classId() {
        return classId;
    }

    public int methodId() {
        return methodId;
    }

    /** This error attributed to a method, unless it already names one. */
    public AmqpCodecException atMethod(int classId, int methodId) {
        return this.classId != 0 ? this : new AmqpCodecException(replyCode, getMessage(), classId, methodId);
    }
}
