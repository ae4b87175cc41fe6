package dev.junction.server.mqtt;

import dev.junction.core.BrokerException;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.StoreListener;
import io.netty.buffer.Unpooled;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A will waiting for its delay as a persistent session's store record keeps it, so that a crash does not lose it
 * (section 4.1 counts the Will Message and its delay as session state): the publish it makes, with its properties
 * mapped already, and the wall-clock time it is due, the earlier of its Will Delay Interval and the session's
 * expiry, both counted from when the connection was lost. Its ACL check was passed when it was recorded.
 *
 * @param dueAtMillis epoch milliseconds
 */
record PendingWill(String topic, int qos, boolean retain, byte[] payload, MessageProperties properties,
                   long dueAtMillis) {
    private static final Logger log = LoggerFactory.getLogger(PendingWill.class);

    /** Milliseconds from now until it is due; 0 if it is due already. */
    long delayMillis() {
        return Math.max(0, dueAtMillis - System.currentTimeMillis());
    }

    void publish(String clientId, MqttPublisher publisher) {
        try {
            publisher.publish(clientId, topic, qos, retain, Unpooled.wrappedBuffer(payload), properties,
                    StoreListener.NONE);
        } catch (BrokerException e) {
            log.warn("Client '{}': will on '{}' not published: {}", clientId, topic, e.getMessage());
        }
    }
}
