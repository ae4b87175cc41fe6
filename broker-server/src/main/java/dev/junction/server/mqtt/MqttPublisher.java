package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Queue;
import dev.junction.core.store.StoreCountdown;
import dev.junction.core.store.StoreListener;
import dev.junction.core.topic.TopicMapping;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttProperties;
import io.netty.buffer.ByteBuf;

import java.util.List;
import java.util.Map;

/**
 * Turns an MQTT publish (from a client or a will) into a core message on the MQTT exchange, as RabbitMQ's MQTT
 * plugin does: QoS 1 and 2 become persistent messages, and the publish QoS travels in {@code x-mqtt-publish-qos}
 * so that a subscriber is served at the lower of it and its granted QoS.
 */
final class MqttPublisher {
    static final String QOS_HEADER = "x-mqtt-publish-qos";
    /**
     * Present (true) on a message published with RETAIN set, so that a subscription with Retain As Published
     * forwards it with RETAIN set; stored with the message, so the flag survives a restart.
     */
    static final String RETAIN_HEADER = "x-mqtt-retain";

    private static final MessageProperties[] PROPERTIES_BY_QOS = {
            MessageProperties.EMPTY.withHeaders(Map.of(QOS_HEADER, 0)),
            MessageProperties.EMPTY.withHeaders(Map.of(QOS_HEADER, 1)).withDeliveryMode(MessageProperties.PERSISTENT),
            MessageProperties.EMPTY.withHeaders(Map.of(QOS_HEADER, 2)).withDeliveryMode(MessageProperties.PERSISTENT),
    };
    private static final MessageProperties[] RETAINED_PROPERTIES_BY_QOS = {
            PROPERTIES_BY_QOS[0].withHeaders(Map.of(QOS_HEADER, 0, RETAIN_HEADER, true)),
            PROPERTIES_BY_QOS[1].withHeaders(Map.of(QOS_HEADER, 1, RETAIN_HEADER, true)),
            PROPERTIES_BY_QOS[2].withHeaders(Map.of(QOS_HEADER, 2, RETAIN_HEADER, true)),
    };

    private final VirtualHost vhost;
    private final String exchange;
    private final RetainedMessages retained;
    private final MqttStats stats;
    private final MqttDurableState durable;

    MqttPublisher(VirtualHost vhost, String exchange, RetainedMessages retained, MqttStats stats,
                  MqttDurableState durable) {
        this.vhost = vhost;
        this.exchange = exchange;
        this.retained = retained;
        this.stats = stats;
        this.durable = durable;
    }

    /**
     * Takes over {@code payload}; returns the queues the message reached. {@code clientId} is the message's
     * publisher, which shared subscriptions under {@code hash_clientid} distribute by.
     */
    List<Queue> publish(String clientId, String topicName, int qos, boolean retain, ByteBuf payload) {
        return publish(clientId, topicName, qos, retain, payload, StoreListener.NONE);
    }

    /**
     * Publishes as {@link #publish(String, String, int, boolean, ByteBuf)} does, and tells {@code stored} when every queue
     * reached has taken the message, it is stored for every durable one and, when it is to be retained, as the
     * topic's retained message (not called if this throws). A queue's refusal comes as a
     * {@link dev.junction.core.queue.PublishRefused} failure.
     */
    List<Queue> publish(String clientId, String topicName, int qos, boolean retain, ByteBuf payload,
                        StoreListener stored) {
        return publish(clientId, topicName, qos, retain, payload, MqttProperties.NONE, stored);
    }

    /** Publishes with an MQTT 5 PUBLISH's properties, mapped by {@link Mqtt5MessageProperties}. */
    List<Queue> publish(String clientId, String topicName, int qos, boolean retain, ByteBuf payload,
                        MqttProperties properties, StoreListener stored) {
        return publish(clientId, topicName, qos, retain, payload, coreProperties(qos, retain, properties), stored);
    }

    /** The core properties of an MQTT publish: its QoS and RETAIN flag and an MQTT 5 PUBLISH's own properties. */
    static MessageProperties coreProperties(int qos, boolean retain, MqttProperties properties) {
        MessageProperties base = (retain ? RETAINED_PROPERTIES_BY_QOS : PROPERTIES_BY_QOS)[qos];
        return properties.isEmpty() ? base : Mqtt5MessageProperties.toCore(properties, base);
    }

    /** Publishes with the core properties it will carry, mapped already (a will read back from the store). */
    List<Queue> publish(String clientId, String topicName, int qos, boolean retain, ByteBuf payload,
                        MessageProperties coreProperties, StoreListener stored) {
        stats.messagesReceived.increment();
        stats.bytesReceived.add(payload.readableBytes());
        Message message = new Message(exchange, TopicMapping.routingKey(topicName), coreProperties, payload);
        message.publisher(clientId);
        StoreListener routedStored = stored;
        if (retain) {
            StoreCountdown both = new StoreCountdown(2, stored);
            durable.retain(topicName, qos, coreProperties, payload, both);
            retained.store(topicName, message.retain());
            routedStored = both;
        }
        // Only an acknowledgement waits for the queues' answers; QoS 0 publishes need none.
        List<Queue> reached = stored == StoreListener.NONE ? vhost.publish(exchange, message, null, routedStored)
                : vhost.publishAccepted(exchange, message, routedStored);
        (reached.isEmpty() ? stats.messages.unroutable : stats.messages.routed).increment();
        return reached;
    }

    /** A retained message read back at start-up, with its properties (a record of an earlier version: its QoS). */
    void restoreRetained(MqttDurableState.RecoveredRetained recovered) {
        MessageProperties properties = recovered.properties() != null ? recovered.properties()
                : RETAINED_PROPERTIES_BY_QOS[recovered.qos()];
        retained.store(recovered.topicName(), new Message(exchange, TopicMapping.routingKey(recovered.topicName()),
                properties, recovered.payload()));
    }

    /** A message for the retained store alone, never routed: {@code $SYS} topics. */
    Message internalMessage(String topicName, ByteBuf payload) {
        return new Message(exchange, TopicMapping.routingKey(topicName), PROPERTIES_BY_QOS[0], payload);
    }

    /** Whether the message was published with RETAIN set (an AMQP message: if it carries the header as true). */
    static boolean publishedRetained(Message message) {
        return Boolean.TRUE.equals(message.properties().header(RETAIN_HEADER));
    }

    /**
     * The QoS the message was published at. An AMQP message without the header, or whose header is no integer
     * from 0 to 2, counts as QoS 2, so that the subscription's QoS alone decides.
     */
    static int publishQos(Message message) {
        Object header = message.properties().header(QOS_HEADER);
        boolean integral = header instanceof Byte || header instanceof Short || header instanceof Integer
                || header instanceof Long;
        long qos = integral ? ((Number) header).longValue() : -1;
        return qos >= 0 && qos <= 2 ? (int) qos : 2;
    }
}
