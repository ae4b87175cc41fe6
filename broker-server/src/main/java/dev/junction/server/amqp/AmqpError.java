package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.core.BrokerException;

/**
 * A refusal to send to the client: a soft error closes only the channel (channel.close), a hard error the whole
 * connection (connection.close). The reply text is prefixed with the code's name, as RabbitMQ does
 * ("NOT_FOUND - no queue 'q' in vhost '/'"), because clients and their users look for it.
 */
final class AmqpError extends RuntimeException {
    private final int replyCode;
    private final boolean hard;
    private final int classId;
    private final int methodId;

    private AmqpError(int replyCode, boolean hard, String text, AmqpMethod method) {
        super(codeName(replyCode) + " - " + text, null, false, false);
        this.replyCode = replyCode;
        this.hard = hard;
        this.classId = method == null ? 0 : method.protocolClassId();
        this.methodId = method == null ? 0 : method.protocolMethodId();
    }

    static AmqpError soft(int replyCode, String text, AmqpMethod method) {
        return new AmqpError(replyCode, false, text, method);
    }

    static AmqpError hard(int replyCode, String text, AmqpMethod method) {
        return new AmqpError(replyCode, true, text, method);
    }

    /** RabbitMQ's choice for each core refusal: all soft except NOT_ALLOWED, a connection error. */
    static AmqpError of(BrokerException e, AmqpMethod method) {
        return switch (e.kind()) {
            case NOT_FOUND -> soft(AmqpConstants.NOT_FOUND, e.getMessage(), method);
            case PRECONDITION_FAILED -> soft(AmqpConstants.PRECONDITION_FAILED, e.getMessage(), method);
            case RESOURCE_LOCKED -> soft(AmqpConstants.RESOURCE_LOCKED, e.getMessage(), method);
            case ACCESS_REFUSED -> soft(AmqpConstants.ACCESS_REFUSED, e.getMessage(), method);
            case NOT_ALLOWED -> hard(AmqpConstants.NOT_ALLOWED, e.getMessage(), method);
        };
    }

    int replyCode() {
        return replyCode;
    }

    boolean isHard() {
        return hard;
    }

    int classId() {
        return classId;
    }

    int methodId() {
        return methodId;
    }

    /** The reply text, cut to fit a short string. */
    String replyText() {
        String text = getMessage();
        return text.length() > 255 ? text.substring(0, 255) : text;
    }

    static String codeName(int replyCode) {
        return switch (replyCode) {
            case AmqpConstants.REPLY_SUCCESS -> "OK";
            case AmqpConstants.CONTENT_TOO_LARGE -> "CONTENT_TOO_LARGE";
            case AmqpConstants.NO_ROUTE -> "NO_ROUTE";
            case AmqpConstants.NO_CONSUMERS -> "NO_CONSUMERS";
            case AmqpConstants.CONNECTION_FORCED -> "CONNECTION_FORCED";
            case AmqpConstants.INVALID_PATH -> "INVALID_PATH";
            case AmqpConstants.ACCESS_REFUSED -> "ACCESS_REFUSED";
            case AmqpConstants.NOT_FOUND -> "NOT_FOUND";
            case AmqpConstants.RESOURCE_LOCKED -> "RESOURCE_LOCKED";
            case AmqpConstants.PRECONDITION_FAILED -> "PRECONDITION_FAILED";
            case AmqpConstants.FRAME_ERROR -> "FRAME_ERROR";
            case AmqpConstants.SYNTAX_ERROR -> "SYNTAX_ERROR";
            case AmqpConstants.COMMAND_INVALID -> "COMMAND_INVALID";
            case AmqpConstants.CHANNEL_ERROR -> "CHANNEL_ERROR";
            case AmqpConstants.UNEXPECTED_FRAME -> "UNEXPECTED_FRAME";
            case AmqpConstants.RESOURCE_ERROR -> "RESOURCE_ERROR";
            case AmqpConstants.NOT_ALLOWED -> "NOT_ALLOWED";
            case AmqpConstants.NOT_IMPLEMENTED -> "NOT_IMPLEMENTED";
            case AmqpConstants.INTERNAL_ERROR -> "INTERNAL_ERROR";
            default -> "ERROR";
        };
    }
}
