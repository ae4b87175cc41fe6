package dev.junction.core.message;

import dev.junction.core.BrokerException;

import java.util.Map;

/**
 * The properties a message carries through the core, whichever protocol published it. They are AMQP's fourteen
 * basic properties because that is the richer model; an MQTT publish fills the few it has (see the cross-protocol
 * mapping). Any field may be null: absent.
 */
public record MessageProperties(
        String contentType,
        String contentEncoding,
        Map<String, Object> headers,
        Integer deliveryMode,
        Integer priority,
        String correlationId,
        String replyTo,
        String expiration,
        String messageId,
        Long timestamp,
        String type,
        String userId,
        String appId,
        String clusterId) {

    public static final MessageProperties EMPTY =
            new MessageProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** AMQP delivery-mode 2; MQTT QoS 1 and 2 publishes map to it. */
    public static final int PERSISTENT = 2;

    public boolean persistent() {
        return deliveryMode != null && deliveryMode == PERSISTENT;
    }

    /**
     * The per-message time-to-live from {@code expiration}, in milliseconds; null if there is none. RabbitMQ's rule:
     * a non-negative integer written in decimal; anything else is refused (PRECONDITION_FAILED).
     */
    public Long expirationMillis() {
        if (expiration == null) {
            return null;
        }
        try {
            long millis = Long.parseLong(expiration);
            if (millis < 0) {
                throw invalidExpiration("{value_negative," + millis + "}");
            }
            return millis;
        } catch (NumberFormatException e) {
            throw invalidExpiration("{error,badarg}");
        }
    }

    private BrokerException invalidExpiration(String reason) {
        return BrokerException.preconditionFailed("invalid expiration '" + expiration + "': " + reason);
    }

    public MessageProperties withExpiration(String newExpiration) {
        return new MessageProperties(contentType, contentEncoding, headers, deliveryMode, priority, correlationId,
                replyTo, newExpiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public Object header(String name) {
        return headers == null ? null : headers.get(name);
    }

    public MessageProperties withHeaders(Map<String, Object> newHeaders) {
        return new MessageProperties(contentType, contentEncoding, newHeaders, deliveryMode, priority, correlationId,
                replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public MessageProperties withDeliveryMode(Integer newDeliveryMode) {
        return new MessageProperties(contentType, contentEncoding, headers, newDeliveryMode, priority, correlationId,
                replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }
}
