package dev.junction.server.mqtt;

import dev.junction.amqp.codec.types.LongString;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.topic.TopicMapping;
import dev.junction.core.topic.TopicSyntax;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttUtf8;
import io.netty.buffer.ByteBufUtil;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT 5 PUBLISH properties as the core's (AMQP's) message properties and back, so that AMQP sees what an MQTT
 * 5 client published and an MQTT 5 subscriber gets what an AMQP publisher set (the table is in
 * docs/cross-protocol.md):
 * <ul>
 *   <li>content type: {@code content_type}; response topic: {@code reply_to} as a routing key
 *   ({@link TopicMapping}); where either is longer than an AMQP short string (255 bytes), a header instead;</li>
 *   <li>correlation data: {@code correlation_id} when it is UTF-8 of at most 255 bytes, else the bytes in a
 *   header;</li>
 *   <li>message expiry interval: {@code expiration} in milliseconds, which the queues count down; going out, what is
 *   left of it, in whole seconds rounded up (a message with time left never says 0);</li>
 *   <li>payload format indicator: a header;</li>
 *   <li>user properties: headers, in order; a name given more than once becomes one header holding the values in an
 *   array, and if the names were interleaved ({@code a, b, a}), a header lists the names in their order so that the
 *   MQTT side gets them back exactly [MQTT-3.3.2-17, MQTT-3.3.2-18]. Going out, every header that is not one of
 *   the broker's own ({@code x-mqtt-...}) is a user property, its value as text.</li>
 * </ul>
 */
final class Mqtt5MessageProperties {
    static final String PAYLOAD_FORMAT_HEADER = "x-mqtt-payload-format-indicator";
    static final String CORRELATION_DATA_HEADER = "x-mqtt-correlation-data";
    static final String CONTENT_TYPE_HEADER = "x-mqtt-content-type";
    static final String RESPONSE_TOPIC_HEADER = "x-mqtt-response-topic";
    static final String USER_PROPERTY_ORDER_HEADER = "x-mqtt-user-property-order";
    private static final String BROKER_HEADER_PREFIX = "x-mqtt-";
    private static final int SHORT_STRING_MAX = 255;
    /** What {@link #remainingExpirySeconds} says of a message without expiry. */
    static final long NO_EXPIRY = -1;
    /** What {@link #remainingExpirySeconds} says of a message whose expiry has passed. */
    static final long EXPIRED = 0;

    private Mqtt5MessageProperties() {
    }

    /** An MQTT 5 PUBLISH's properties onto {@code base} (which carries the QoS header and delivery mode). */
    static MessageProperties toCore(MqttProperties mqtt, MessageProperties base) {
        Map<String, Object> headers = new LinkedHashMap<>(base.headers());
        String contentType = null;
        String replyTo = null;
        String correlationId = null;
        String expiration = null;
        if (mqtt.contentType().isPresent()) {
            contentType = shortStringOrHeader(mqtt.contentType().get(), CONTENT_TYPE_HEADER, headers);
        }
        if (mqtt.responseTopic().isPresent()) {
            replyTo = shortStringOrHeader(TopicMapping.routingKey(mqtt.responseTopic().get()), RESPONSE_TOPIC_HEADER,
                    headers);
        }
        if (mqtt.correlationData().isPresent()) {
            byte[] data = mqtt.correlationData().get();
            correlationId = data.length <= SHORT_STRING_MAX ? strictUtf8(data) : null;
            if (correlationId == null) {
                headers.put(CORRELATION_DATA_HEADER, data);
            }
        }
        if (mqtt.messageExpiryInterval().isPresent()) {
            expiration = Long.toString(TimeUnit.SECONDS.toMillis(mqtt.messageExpiryInterval().getAsLong()));
        }
        mqtt.payloadFormatIndicator().ifPresent(indicator -> headers.put(PAYLOAD_FORMAT_HEADER, indicator));
        putUserProperties(mqtt.userProperties(), headers);
        return new MessageProperties(contentType, base.contentEncoding(), headers, base.deliveryMode(),
                base.priority(), correlationId, replyTo, expiration, base.messageId(), base.timestamp(), base.type(),
                base.userId(), base.appId(), base.clusterId());
    }

    /**
     * The PUBLISH properties for an MQTT 5 subscriber, from a message of either protocol, with the expiry interval
     * that is left ({@code remainingExpirySeconds}, {@link #NO_EXPIRY} for none).
     */
    static MqttProperties toMqtt(MessageProperties core, long remainingExpirySeconds) {
        MqttProperties.Builder mqtt = MqttProperties.builder();
        Map<String, Object> headers = core.headers() == null ? Map.of() : core.headers();
        if (headers.get(PAYLOAD_FORMAT_HEADER) instanceof Number indicator
                && (indicator.intValue() == 0 || indicator.intValue() == 1)) {
            mqtt.payloadFormatIndicator(indicator.intValue());
        }
        if (remainingExpirySeconds != NO_EXPIRY) {
            mqtt.messageExpiryInterval(remainingExpirySeconds);
        }
        String contentType = core.contentType() != null ? core.contentType() : text(headers.get(CONTENT_TYPE_HEADER));
        if (contentType != null && MqttUtf8.isEncodable(contentType)) {
            mqtt.contentType(contentType);
        }
        String replyTo = core.replyTo() != null ? core.replyTo() : text(headers.get(RESPONSE_TOPIC_HEADER));
        String responseTopic = replyTo == null ? null : TopicMapping.topicName(replyTo);
        // An AMQP reply_to need not be a topic name; a response topic must be one [MQTT-3.3.2-14].
        if (responseTopic != null && TopicSyntax.MQTT.isValidTopicName(responseTopic)
                && MqttUtf8.isEncodable(responseTopic)) {
            mqtt.responseTopic(responseTopic);
        }
        if (headers.get(CORRELATION_DATA_HEADER) instanceof byte[] data) {
            mqtt.correlationData(data);
        } else if (core.correlationId() != null) {
            mqtt.correlationData(core.correlationId().getBytes(StandardCharsets.UTF_8));
        }
        addUserProperties(headers, mqtt);
        return mqtt.build();
    }

    /**
     * What is left of the message's own expiry at {@code nowNanos}, in seconds rounded up; {@link #EXPIRED} once it
     * has passed, {@link #NO_EXPIRY} for a message without one (or with an expiration that is no number).
     */
    static long remainingExpirySeconds(Message message, long nowNanos) {
        String expiration = message.properties().expiration();
        if (expiration == null) {
            return NO_EXPIRY;
        }
        long millis;
        try {
            millis = Long.parseLong(expiration);
        } catch (NumberFormatException e) {
            return NO_EXPIRY;
        }
        long leftNanos = TimeUnit.MILLISECONDS.toNanos(millis) - (nowNanos - message.publishedAtNanos());
        if (leftNanos <= 0) {
            return EXPIRED;
        }
        return (leftNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    }

    private static String shortStringOrHeader(String value, String header, Map<String, Object> headers) {
        if (ByteBufUtil.utf8Bytes(value) <= SHORT_STRING_MAX) {
            return value;
        }
        headers.put(header, value);
        return null;
    }

    private static String strictUtf8(byte[] data) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void putUserProperties(List<MqttProperties.UserProperty> properties, Map<String, Object> headers) {
        if (properties.isEmpty()) {
            return;
        }
        Map<String, List<String>> repeated = new HashMap<>();
        boolean interleaved = false;
        String previous = null;
        for (MqttProperties.UserProperty property : properties) {
            String name = property.name();
            if (name.startsWith(BROKER_HEADER_PREFIX)) {
                // The broker's own header names are not the client's to set.
                continue;
            }
            Object earlier = headers.get(name);
            if (earlier == null) {
                headers.put(name, property.value());
            } else {
                List<String> values = repeated.computeIfAbsent(name, first -> {
                    List<String> list = new ArrayList<>();
                    list.add((String) earlier);
                    return list;
                });
                values.add(property.value());
                headers.put(name, values);
                interleaved |= !name.equals(previous);
            }
            previous = name;
        }
        if (interleaved) {
            headers.put(USER_PROPERTY_ORDER_HEADER,
                    properties.stream().map(MqttProperties.UserProperty::name).toList());
        }
    }

    private static void addUserProperties(Map<String, Object> headers, MqttProperties.Builder mqtt) {
        if (headers.get(USER_PROPERTY_ORDER_HEADER) instanceof List<?> order) {
            Map<String, Integer> taken = new HashMap<>();
            for (Object nameValue : order) {
                String name = text(nameValue);
                Object value = name == null ? null : headers.get(name);
                if (value instanceof List<?> values) {
                    int index = taken.merge(name, 1, Integer::sum) - 1;
                    addUserProperty(mqtt, name, index < values.size() ? values.get(index) : null);
                } else if (value != null && !taken.containsKey(name)) {
                    taken.put(name, 1);
                    addUserProperty(mqtt, name, value);
                }
            }
            return;
        }
        headers.forEach((name, value) -> {
            if (name.startsWith(BROKER_HEADER_PREFIX)) {
                return;
            }
            if (value instanceof List<?> values) {
                values.forEach(each -> addUserProperty(mqtt, name, each));
            } else {
                addUserProperty(mqtt, name, value);
            }
        });
    }

    private static void addUserProperty(MqttProperties.Builder mqtt, String name, Object value) {
        String text = text(value);
        if (text != null && MqttUtf8.isEncodable(name) && MqttUtf8.isEncodable(text)) {
            mqtt.addUserProperty(name, text);
        }
    }

    /** A header value as text: strings as they are, binary as UTF-8, other values as Java writes them. */
    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof LongString || value instanceof String || value instanceof Number
                || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }
}
