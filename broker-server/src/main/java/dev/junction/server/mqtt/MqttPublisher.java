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

    private static final MessageProperties[] PROPERTIES_BY_QOS = {
            MessageProperties.EMPTY.withHeaders(Map.of(QOS_HEADER, 0)),
            MessageProperties.EMPTY.withHeaders(Map.of(QOS_HEADER, 1)).withDeliveryMode(MessageProperties.PERSISTENT),
            MessageProperties.EMPTY.withHeaders(Map.of(QOS_HEADER, 2)).withDeliveryMode(MessageProperties.PERSISTENT),
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

    /** Takes over {@code payload}; returns the queues the message reached. */
    List<Queue> publish(String topicName, int qos, boolean retain, ByteBuf payload) {
        return publish(topicName, qos, retain, payload, StoreListener.NONE);
    }

    /**
     * Publishes as {@link #publish(String, int, boolean, ByteBuf)} does, and tells {@code stored} when every queue
     * reached has taken the message, it is stored for every durable one and, when it is to be retained, as the
     * topic's retained message (not called if this throws). A queue's refusal comes as a
     * {@link dev.junction.core.queue.PublishRefused} failure.
     */
    List<Queue> publish(String topicName, int qos, boolean retain, ByteBuf payload, StoreListener stored) {
        stats.messagesReceived.increment();
        stats.bytesReceived.add(payload.readableBytes());
        Message message = new Message(exchange, TopicMapping.routingKey(topicName), PROPERTIES_BY_QOS[qos], payload);
        StoreListener routedStored = stored;
        if (retain) {
            StoreCountdown both = new StoreCountdown(2, stored);
            durable.retain(topicName, qos, payload, both);
            retained.store(topicName, message.retain());
            routedStored = both;
        }
        // Only an acknowledgement waits for the queues' answers; QoS 0 publishes need none.
        List<Queue> reached = stored == StoreListener.NONE ? vhost.publish(exchange, message, null, routedStored)
                : vhost.publishAccepted(exchange, message, routedStored);
        (reached.isEmpty() ? stats.messages.unroutable : stats.messages.routed).increment();
        return reached;
    }

    /**
     * Publishes with an MQTT 5 PUBLISH's (or will's) properties. On this branch the properties are not carried yet:
     * the v5publish branch has this very entry mapping them (Mqtt5MessageProperties), and its body replaces this one.
     */
    List<Queue> publish(String topicName, int qos, boolean retain, ByteBuf payload, MqttProperties properties,
                        StoreListener stored) {
        return publish(topicName, qos, retain, payload, stored);
    }

    /** A retained message read back at start-up. */
    void restoreRetained(MqttDurableState.RecoveredRetained recovered) {
        retained.store(recovered.topicName(), new Message(exchange, TopicMapping.routingKey(recovered.topicName()),
                PROPERTIES_BY_QOS[recovered.qos()], recovered.payload()));
    }

    /** A message for the retained store alone, never routed: {@code $SYS} topics. */
    Message internalMessage(String topicName, ByteBuf payload) {
        return new Message(exchange, TopicMapping.routingKey(topicName), PROPERTIES_BY_QOS[0], payload);
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
