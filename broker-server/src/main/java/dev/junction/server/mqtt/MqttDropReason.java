package dev.junction.server.mqtt;

/**
 * Why a message on its way to an MQTT subscriber was not sent, each counted in {@code /metrics}
 * ({@code junction_mqtt_dropped_total{reason}}) and {@code $SYS/broker/messages/dropped/<reason>}. A full socket
 * is none of them: the session queue stops delivering to a connection that is not writable and keeps the message.
 */
public enum MqttDropReason {
    /** The session's queue was at mqtt.max_queued_messages or mqtt.max_queued_bytes (offline, or with drop). */
    QUEUE_FULL("queue_full"),
    /** A QoS 0 message reached the session after its connection had gone; QoS 1 and 2 wait for the next one. */
    OFFLINE("offline"),
    /** An AMQP routing key that is no valid MQTT topic name. */
    NOT_MQTT_TOPIC("not_mqtt_topic"),
    /** The PUBLISH would exceed mqtt.max_packet_size. */
    TOO_LARGE("too_large"),
    /**
     * The PUBLISH would exceed the Maximum Packet Size an MQTT 5 client declared: it is discarded for that client
     * as if sent [MQTT-3.1.2-25].
     */
    OVER_CLIENT_MAXIMUM("over_client_maximum"),
    /** The message's expiry interval passed after its queue handed it over and before it was sent. */
    EXPIRED("expired");

    private final String label;

    MqttDropReason(String label) {
        this.label = label;
    }

    /** The metric label and the last level of the {@code $SYS} topic. */
    public String label() {
        return label;
    }
}
