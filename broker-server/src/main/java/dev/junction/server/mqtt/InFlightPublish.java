package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Subscription;
import dev.junction.mqtt.codec.MqttProperties;

/**
 * An outbound QoS 1 or 2 PUBLISH not yet fully acknowledged. It holds the message (one reference) until PUBACK or
 * PUBREC; after PUBREC only the packet identifier is remembered, until PUBCOMP [MQTT-4.3.3-1].
 */
final class InFlightPublish {
    final String topicName;
    final int qos;
    final boolean retain;
    /** What the PUBLISH carries besides topic, QoS and payload (MQTT 5: the subscription identifiers). */
    final MqttProperties properties;
    /** Null for a retained message sent to a new subscription: there is no queue entry to settle. */
    private final Delivery delivery;
    private Message message;
    private boolean sent;

    InFlightPublish(String topicName, int qos, boolean retain, Delivery delivery, Message message) {
        this(topicName, qos, retain, MqttProperties.NONE, delivery, message);
    }

    InFlightPublish(String topicName, int qos, boolean retain, MqttProperties properties, Delivery delivery,
                    Message message) {
        this.topicName = topicName;
        this.qos = qos;
        this.retain = retain;
        this.properties = properties;
        this.delivery = delivery;
        this.message = message;
    }

    /** An outbound QoS 2 flow recovered after a restart with its PUBREC already received: only PUBREL is owed. */
    static InFlightPublish pubRelOwed() {
        return new InFlightPublish(null, 2, false, null, null);
    }

    /** Whether it was delivered through {@code subscription} and is not yet settled there. */
    boolean deliveredThrough(Subscription subscription) {
        return message != null && delivery != null && delivery.subscription() == subscription;
    }

    Message message() {
        return message;
    }

    boolean awaitingPubComp() {
        return message == null;
    }

    /**
     * The PUBLISH went out before this run (a resend after a restart), or to another member of its shared
     * subscription: it carries DUP as well.
     */
    void markSentBefore() {
        sent = true;
    }

    /** Whether the PUBLISH went out before: a resend then carries DUP [MQTT-3.3.1-1]. */
    boolean markSent() {
        boolean before = sent;
        sent = true;
        return before;
    }

    /** The receiver has the message (PUBACK, PUBREC): settle it in its queue and let go of it. */
    void settle() {
        if (delivery != null) {
            delivery.subscription().settle(delivery.entryId());
        }
        message.release();
        message = null;
    }

    /** Not sent after all: the queue entry goes back to be delivered again later. */
    void giveBack() {
        if (delivery != null) {
            delivery.subscription().requeue(delivery.entryId());
        }
        message.release();
        message = null;
    }

    /** The session ends: the queue takes its unsettled entries back or is deleted, so only our reference goes. */
    void abandon() {
        if (message != null) {
            message.release();
            message = null;
        }
    }
}
