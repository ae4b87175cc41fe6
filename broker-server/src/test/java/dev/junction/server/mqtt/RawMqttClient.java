package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MqttChannelVersion;
import dev.junction.mqtt.codec.MqttDecoder;
import dev.junction.mqtt.codec.MqttEncoder;
import dev.junction.mqtt.codec.MqttPacket;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PingReq;
import dev.junction.mqtt.codec.PingResp;
import dev.junction.mqtt.codec.Publish;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An MQTT client with exact control of every byte, for the rules real clients hide (packet identifiers, DUP,
 * resends). Packets are encoded and decoded with the project's codec; reads block with a deadline.
 */
final class RawMqttClient implements AutoCloseable {
    private static final Duration READ_DEADLINE = Duration.ofSeconds(20);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());

    RawMqttClient(int port) throws IOException {
        this(port, MqttProtocolVersion.MQTT_3_1_1);
    }

    /** A client that speaks {@code version} from the start: MQTT 5 packets are encoded and read as such. */
    RawMqttClient(int port, MqttProtocolVersion version) throws IOException {
        MqttChannelVersion.set(encoder, version);
        MqttChannelVersion.set(decoder, version);
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) READ_DEADLINE.toMillis());
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Speaks MQTT 5 from now on: the codec encodes and decodes this client's packets as 5.0. */
    RawMqttClient mqtt5() {
        MqttChannelVersion.set(encoder, MqttProtocolVersion.MQTT_5);
        MqttChannelVersion.set(decoder, MqttProtocolVersion.MQTT_5);
        return this;
    }

    static Connect connectPacket(String clientId, boolean cleanSession, int keepAlive, Connect.Will will) {
        return new Connect(MqttProtocolVersion.MQTT_3_1_1, cleanSession, keepAlive, clientId, will, "guest",
                "guest".getBytes(StandardCharsets.UTF_8));
    }

    /** Connects and returns the CONNACK, asserting acceptance. */
    ConnAck connect(String clientId, boolean cleanSession) throws IOException {
        send(connectPacket(clientId, cleanSession, 0, null));
        ConnAck ack = assertInstanceOf(ConnAck.class, read());
        assertEquals(0, ack.returnCode().value(), "CONNACK return code");
        return ack;
    }

    /**
     * Connects as an MQTT 5 client declaring {@code properties} (the encoder and decoder then speak 5.0) and returns
     * the CONNACK, asserting success.
     */
    ConnAck connect5(String clientId, MqttProperties properties) throws IOException {
        mqtt5();
        send(new Connect(MqttProtocolVersion.MQTT_5, true, 0, clientId, null, "guest",
                "guest".getBytes(StandardCharsets.UTF_8), properties));
        ConnAck ack = assertInstanceOf(ConnAck.class, read());
        assertEquals(ReasonCode.SUCCESS, ack.reasonCode(), "CONNACK reason code");
        return ack;
    }

    static Publish publish(String topic, int qos, int packetId, boolean dup, String payload) {
        return new Publish(topic, MqttQos.of(qos), dup, false, packetId, payload(payload));
    }

    static ByteBuf payload(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    /** Sends the packets in one write, so that the server sees them together. */
    void send(MqttPacket... packets) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (MqttPacket packet : packets) {
            encoder.writeOutbound(packet);
            for (ByteBuf encoded; (encoded = encoder.readOutbound()) != null; ) {
                try {
                    encoded.readBytes(bytes, encoded.readableBytes());
                } finally {
                    encoded.release();
                }
            }
        }
        out.write(bytes.toByteArray());
        out.flush();
    }

    /** One write: the server may close as soon as it has seen the first bytes of a malformed packet. */
    void sendBytes(int... bytes) throws IOException {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        out.write(raw);
        out.flush();
    }

    /** The next packet from the server; fails if none arrives within the deadline or the connection closes. */
    Object read() throws IOException {
        Object packet = readOrEnd();
        assertNotNull(packet, "the server closed the connection");
        return packet;
    }

    <T> T read(Class<T> type) throws IOException {
        return assertInstanceOf(type, read());
    }

    /** Reads a PUBLISH, returns it with its payload as text, and releases it. */
    Received readPublish() throws IOException {
        Publish publish = read(Publish.class);
        try {
            return new Received(publish.topic(), publish.qos().value(), publish.dup(), publish.retainFlag(),
                    publish.packetId(), publish.payload().toString(StandardCharsets.UTF_8));
        } finally {
            publish.release();
        }
    }

    record Received(String topic, int qos, boolean dup, boolean retain, int packetId, String payload) {
    }

    /** Null when the server closed the connection. */
    Object readOrEnd() throws IOException {
        byte[] buffer = new byte[8192];
        while (true) {
            Object packet = decoder.readInbound();
            if (packet != null) {
                return packet;
            }
            int read;
            try {
                read = in.read(buffer);
            } catch (SocketTimeoutException e) {
                return fail("no packet from the server within " + READ_DEADLINE);
            } catch (IOException e) {
                return null; // reset by the server: closed
            }
            if (read < 0) {
                return null;
            }
            decoder.writeInbound(Unpooled.wrappedBuffer(buffer.clone(), 0, read));
        }
    }

    /**
     * Whether the server still answers: a PINGREQ gets its PINGRESP (true), or the connection turns out closed
     * (false). PUBLISHes on the way are released unanswered; any other packet fails.
     */
    boolean answersPing() throws IOException {
        try {
            send(PingReq.INSTANCE);
        } catch (IOException closed) {
            return false;
        }
        Object packet;
        while ((packet = readOrEnd()) instanceof Publish publish) {
            publish.release();
        }
        if (packet == null) {
            return false;
        }
        assertInstanceOf(PingResp.class, packet);
        return true;
    }

    /** Asserts that the server sends DISCONNECT with {@code code} (MQTT 5) and then closes the connection. */
    void assertDisconnectedWith(ReasonCode code) throws IOException {
        assertEquals(code, read(Disconnect.class).reasonCode());
        assertClosedByServer();
    }

    /** Asserts that the server closes the connection (within the deadline) without sending anything else. */
    void assertClosedByServer() throws IOException {
        Object packet = readOrEnd();
        if (packet != null) {
            ReferenceCountUtil.release(packet);
            fail("expected the connection to close, got " + packet);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }
}
