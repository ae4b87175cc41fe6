package dev.junction.bench.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.junction.amqp.codec.AmqpCommand;
import dev.junction.amqp.codec.AmqpFrameDecoder;
import dev.junction.amqp.codec.AmqpProtocolHeader;
import dev.junction.amqp.codec.method.Basic;
import dev.junction.bench.Payloads;
import dev.junction.mqtt.codec.MqttDecoder;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each codec benchmark's operation, run a few times: what it decodes or encodes must be what it claims. */
class CodecBenchmarksTest {
    /** Describes what the codec passed on, before the sink releases it. */
    private final List<String> seen = new ArrayList<>();
    /** Copies of the buffers an encoder wrote. */
    private final ByteBuf written = Unpooled.buffer();
    private final Consumer<Object> sink = message -> {
        if (message instanceof ByteBuf bytes) {
            written.writeBytes(bytes.duplicate());
        } else {
            seen.add(describe(message));
        }
    };

    @AfterEach
    void releaseWhatNoDecoderTook() {
        if (written.refCnt() > 0) {
            written.release();
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 64", "1, 1024"})
    void mqttReadsDecodeEveryPublishAndReleaseTheRead(int qos, int payloadBytes) throws Exception {
        MqttCodecBenchmark.Publishes publishes = publishes(qos, payloadBytes);
        MqttCodecBenchmark benchmark = new MqttCodecBenchmark();
        benchmark.open(sink);
        try {
            benchmark.decodePublish(publishes);
            benchmark.decodePublish(publishes);

            assertEquals(2 * MqttCodecBenchmark.PACKETS_PER_READ, benchmark.packetsRead());
            assertEquals(List.of(mqttPublish(qos, payloadBytes)), seen.stream().distinct().toList());
            assertEquals(1, publishes.read.refCnt(), "each read is released once decoded");
        } finally {
            benchmark.close();
            publishes.release();
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 64", "1, 1024"})
    void mqttWritesEncodeAPublishAndAPubAckThatDecodeBack(int qos, int payloadBytes) throws Exception {
        MqttCodecBenchmark.Publishes publishes = publishes(qos, payloadBytes);
        MqttCodecBenchmark benchmark = new MqttCodecBenchmark();
        benchmark.open(sink);
        try {
            benchmark.encodePublish(publishes);
            benchmark.encodePubAck();

            assertEquals(3, benchmark.buffersWritten(), "PUBLISH header, its payload, PUBACK");
            assertEquals(1, publishes.payload.refCnt(), "the written payload duplicate is released");
        } finally {
            benchmark.close();
            publishes.release();
        }
        EmbeddedChannel decoding = new EmbeddedChannel(new MqttDecoder());
        decoding.writeInbound(written);
        // The publish encoded is the read's packet after those set up for the read, hence its packet identifier.
        Publish publish = decoding.readInbound();
        assertEquals(mqttPublish(qos, payloadBytes), describe(publish));
        assertEquals(qos == 0 ? 0 : MqttCodecBenchmark.PACKETS_PER_READ + 1, publish.packetId());
        ByteBuf expectedPayload = Payloads.direct(payloadBytes);
        assertEquals(expectedPayload, publish.payload());
        expectedPayload.release();
        publish.release();
        assertEquals(new PubAck(1), decoding.readInbound());
        assertFalse(decoding.finish());
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1024})
    void amqpReadsAssembleEveryPublishAndReleaseTheRead(int bodyBytes) throws Exception {
        AmqpCodecBenchmark benchmark = amqp(bodyBytes);
        try {
            benchmark.decodePublish();
            benchmark.decodePublish();

            assertEquals(2 * AmqpCodecBenchmark.MESSAGES_PER_READ, benchmark.messagesRead());
            assertEquals(List.of("basic.publish " + AmqpCodecBenchmark.ROUTING_KEY + " " + bodyBytes),
                    seen.stream().distinct().toList());
            assertEquals(1, benchmark.read.refCnt(), "each read is released once decoded");
        } finally {
            benchmark.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {64, 1024})
    void amqpWritesEncodeADeliverThatDecodesBack(int bodyBytes) throws Exception {
        AmqpCodecBenchmark benchmark = amqp(bodyBytes);
        ByteBuf expectedBody = Payloads.direct(bodyBytes);
        try {
            benchmark.encodeDeliver();

            assertEquals(3, benchmark.buffersWritten(), "method, header and body frame header; body; frame-end");
            assertEquals(1, benchmark.body.refCnt(), "the written body duplicate is released");
        } finally {
            benchmark.close();
        }
        EmbeddedChannel decoding = new EmbeddedChannel(new AmqpFrameDecoder());
        decoding.writeInbound(AmqpProtocolHeader.newBuffer(), written);
        AmqpCommand deliver = decoding.readInbound();
        assertEquals(new Basic.Deliver(AmqpCodecBenchmark.CONSUMER_TAG, 1, false, AmqpCodecBenchmark.EXCHANGE,
                AmqpCodecBenchmark.ROUTING_KEY), deliver.method());
        assertEquals(AmqpCodecBenchmark.PROPERTIES, deliver.properties());
        assertEquals(expectedBody, deliver.body());
        deliver.release();
        expectedBody.release();
        assertFalse(decoding.finish());
    }

    private static MqttCodecBenchmark.Publishes publishes(int qos, int payloadBytes) {
        MqttCodecBenchmark.Publishes publishes = new MqttCodecBenchmark.Publishes();
        publishes.qos = qos;
        publishes.payloadBytes = payloadBytes;
        publishes.encode();
        return publishes;
    }

    private AmqpCodecBenchmark amqp(int bodyBytes) throws Exception {
        AmqpCodecBenchmark benchmark = new AmqpCodecBenchmark();
        benchmark.bodyBytes = bodyBytes;
        benchmark.open(sink);
        return benchmark;
    }

    private static String mqttPublish(int qos, int payloadBytes) {
        return "PUBLISH " + MqttCodecBenchmark.TOPIC + " QoS " + qos + " " + payloadBytes;
    }

    private static String describe(Object message) {
        if (message instanceof Publish publish) {
            return "PUBLISH " + publish.topic() + " QoS " + publish.qos().value() + " "
                    + publish.payload().readableBytes();
        }
        AmqpCommand command = assertInstanceOf(AmqpCommand.class, message);
        Basic.Publish publish = assertInstanceOf(Basic.Publish.class, command.method());
        return "basic.publish " + publish.routingKey() + " " + command.body().readableBytes();
    }
}
