package dev.junction.server.mqtt;

import dev.junction.amqp.codec.types.LongString;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProperties.UserProperty;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MQTT 5 PUBLISH properties onto the core's (AMQP's) message properties and back. */
class Mqtt5MessagePropertiesTest {
    private static final MessageProperties QOS1 = MessageProperties.EMPTY
            .withHeaders(Map.of(MqttPublisher.QOS_HEADER, 1)).withDeliveryMode(MessageProperties.PERSISTENT);

    @Test
    void everyPropertyMapsOntoItsAmqpCounterpartAndBack() {
        MqttProperties mqtt = MqttProperties.builder().payloadFormatIndicator(1).messageExpiryInterval(30)
                .contentType("application/json").responseTopic("devices/42/responses")
                .correlationData("req-7".getBytes(StandardCharsets.UTF_8))
                .addUserProperty("unit", "celsius").addUserProperty("site", "north").build();
        MessageProperties core = Mqtt5MessageProperties.toCore(mqtt, QOS1);
        assertEquals("application/json", core.contentType());
        assertEquals("devices.42.responses", core.replyTo(), "the topic as a routing key");
        assertEquals("req-7", core.correlationId());
        assertEquals("30000", core.expiration(), "milliseconds");
        assertEquals(1, core.header(Mqtt5MessageProperties.PAYLOAD_FORMAT_HEADER));
        assertEquals(List.of(MqttPublisher.QOS_HEADER, Mqtt5MessageProperties.PAYLOAD_FORMAT_HEADER, "unit", "site"),
                List.copyOf(core.headers().keySet()), "user properties as headers, in order");
        assertEquals(2, core.deliveryMode(), "the base's properties are kept");

        MqttProperties back = Mqtt5MessageProperties.toMqtt(core, 30);
        assertEquals(mqtt, back);
    }

    @Test
    void repeatedAndInterleavedUserPropertiesComeBackInTheirOrder() {
        List<UserProperty> sent = List.of(new UserProperty("a", "1"), new UserProperty("b", "2"),
                new UserProperty("a", "3"), new UserProperty("a", "1"));
        MqttProperties.Builder builder = MqttProperties.builder();
        sent.forEach(p -> builder.addUserProperty(p.name(), p.value()));
        MessageProperties core = Mqtt5MessageProperties.toCore(builder.build(), QOS1);
        assertEquals(List.of("1", "3", "1"), core.header("a"), "a repeated name: one header, its values in order");
        assertEquals("2", core.header("b"));
        assertEquals(sent, Mqtt5MessageProperties.toMqtt(core, Mqtt5MessageProperties.NO_EXPIRY).userProperties());
    }

    @Test
    void repeatsInARowNeedNoOrderHeader() {
        MessageProperties core = Mqtt5MessageProperties.toCore(MqttProperties.builder().addUserProperty("a", "1")
                .addUserProperty("a", "2").addUserProperty("b", "3").build(), QOS1);
        assertNull(core.header(Mqtt5MessageProperties.USER_PROPERTY_ORDER_HEADER));
        assertEquals(List.of(new UserProperty("a", "1"), new UserProperty("a", "2"), new UserProperty("b", "3")),
                Mqtt5MessageProperties.toMqtt(core, Mqtt5MessageProperties.NO_EXPIRY).userProperties());
    }

    @Test
    void binaryCorrelationDataIsKeptInAHeader() {
        byte[] binary = {(byte) 0xFF, 0x00, (byte) 0xC3};
        MessageProperties core = Mqtt5MessageProperties.toCore(
                MqttProperties.builder().correlationData(binary).build(), QOS1);
        assertNull(core.correlationId(), "not UTF-8: no short string");
        assertArrayEquals(binary, (byte[]) core.header(Mqtt5MessageProperties.CORRELATION_DATA_HEADER));
        assertArrayEquals(binary, Mqtt5MessageProperties.toMqtt(core, Mqtt5MessageProperties.NO_EXPIRY)
                .correlationData().orElseThrow());
    }

    @Test
    void valuesTooLongForAnAmqpShortStringGoInHeaders() {
        String longType = "x".repeat(300);
        byte[] longCorrelation = "c".repeat(256).getBytes(StandardCharsets.UTF_8);
        MessageProperties core = Mqtt5MessageProperties.toCore(MqttProperties.builder().contentType(longType)
                .responseTopic("r/" + longType).correlationData(longCorrelation).build(), QOS1);
        assertNull(core.contentType());
        assertNull(core.replyTo());
        assertNull(core.correlationId());
        MqttProperties back = Mqtt5MessageProperties.toMqtt(core, Mqtt5MessageProperties.NO_EXPIRY);
        assertEquals(longType, back.contentType().orElseThrow());
        assertEquals("r/" + longType, back.responseTopic().orElseThrow());
        assertArrayEquals(longCorrelation, back.correlationData().orElseThrow());
    }

    @Test
    void anAmqpMessageComesOutWithItsHeadersAsUserPropertiesAndItsReplyToAsATopic() {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("tenant", LongString.of("acme"));
        headers.put("attempt", 3);
        headers.put("tags", List.of(LongString.of("x"), LongString.of("y")));
        headers.put(MqttPublisher.QOS_HEADER, 1);
        MessageProperties amqp = new MessageProperties("text/plain", null, headers, null, null, "corr-1",
                "replies.device-9", null, null, null, null, null, null, null);
        MqttProperties mqtt = Mqtt5MessageProperties.toMqtt(amqp, Mqtt5MessageProperties.NO_EXPIRY);
        assertEquals("text/plain", mqtt.contentType().orElseThrow());
        assertEquals("replies/device-9", mqtt.responseTopic().orElseThrow());
        assertArrayEquals("corr-1".getBytes(StandardCharsets.UTF_8), mqtt.correlationData().orElseThrow());
        assertEquals(List.of(new UserProperty("tenant", "acme"), new UserProperty("attempt", "3"),
                new UserProperty("tags", "x"), new UserProperty("tags", "y")), mqtt.userProperties(),
                "the broker's own x-mqtt- headers are no user properties");
        assertFalse(mqtt.messageExpiryInterval().isPresent());
        assertFalse(mqtt.payloadFormatIndicator().isPresent());
    }

    @Test
    void aReplyToThatIsNoTopicNameIsLeftOut() {
        MessageProperties amqp = new MessageProperties(null, null, null, null, null, null, "replies.#", null, null,
                null, null, null, null, null);
        assertTrue(Mqtt5MessageProperties.toMqtt(amqp, Mqtt5MessageProperties.NO_EXPIRY).responseTopic().isEmpty());
    }

    @Test
    void theRemainingExpiryIsCountedFromThePublishAndRoundedUp() {
        Message message = new Message("amq.topic", "t", MessageProperties.EMPTY.withExpiration("10000"),
                Unpooled.EMPTY_BUFFER);
        long published = message.publishedAtNanos();
        assertEquals(10, Mqtt5MessageProperties.remainingExpirySeconds(message, published));
        assertEquals(8, Mqtt5MessageProperties.remainingExpirySeconds(message,
                published + TimeUnit.MILLISECONDS.toNanos(2500)), "7.5 s left: 8");
        assertEquals(1, Mqtt5MessageProperties.remainingExpirySeconds(message,
                published + TimeUnit.MILLISECONDS.toNanos(9999)));
        assertEquals(Mqtt5MessageProperties.EXPIRED, Mqtt5MessageProperties.remainingExpirySeconds(message,
                published + TimeUnit.SECONDS.toNanos(10)));
        Message noExpiry = new Message("amq.topic", "t", MessageProperties.EMPTY, Unpooled.EMPTY_BUFFER);
        assertEquals(Mqtt5MessageProperties.NO_EXPIRY,
                Mqtt5MessageProperties.remainingExpirySeconds(noExpiry, published));
    }
}
