package dev.junction.mqtt.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/** Byte-level helpers: run packets through our encoder and bytes through our decoder on an EmbeddedChannel. */
final class Wire {
    private Wire() {
    }

    /** Encodes {@code packet}, leaving the caller's own reference to a Publish payload untouched. */
    static byte[] encode(MqttPacket packet) {
        return encode(packet, null);
    }

    /** Encodes {@code packet} for a connection of {@code version} ({@code null}: before any CONNECT). */
    static byte[] encode(MqttPacket packet, MqttProtocolVersion version) {
        EmbeddedChannel channel = new EmbeddedChannel(MqttEncoder.INSTANCE);
        if (version != null) {
            MqttChannelVersion.set(channel, version);
        }
        channel.writeOutbound(ReferenceCountUtil.retain(packet));
        return drainOutbound(channel);
    }

    /** Everything an encoder on {@code channel} wrote, as one array; the channel is finished. */
    static byte[] drainOutbound(EmbeddedChannel channel) {
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
            all.writeBytes(part);
            part.release();
        }
        channel.finishAndReleaseAll();
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    static byte[] concat(byte[]... parts) {
        ByteBuf all = Unpooled.wrappedBuffer(parts);
        byte[] bytes = ByteBufUtil.getBytes(all);
        all.release();
        return bytes;
    }

    static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    /**
     * What a fresh decoder emitted for some reads. Closing it releases the messages and the channel, then checks that
     * every input buffer was released exactly as often as needed: a leak or a double release fails the test.
     */
    record Decoding(EmbeddedChannel channel, List<MqttInbound> messages, List<ByteBuf> inputs)
            implements AutoCloseable {
        @Override
        public void close() {
            releaseAll(messages);
            channel.finishAndReleaseAll();
            for (ByteBuf input : inputs) {
                assertEquals(0, input.refCnt(), "input buffer released once decoded packets are released");
            }
        }
    }

    /** Feeds each chunk as one read into a fresh decoder. */
    static Decoding decode(int maxPacketSize, byte[]... chunks) {
        return decode(null, maxPacketSize, chunks);
    }

    /** Feeds each chunk as one read into a fresh decoder of a connection already at {@code version}. */
    static Decoding decode(MqttProtocolVersion version, byte[]... chunks) {
        return decode(version, MqttDecoder.DEFAULT_MAX_PACKET_SIZE, chunks);
    }

    static Decoding decode(MqttProtocolVersion version, int maxPacketSize, byte[]... chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(maxPacketSize));
        if (version != null) {
            MqttChannelVersion.set(channel, version);
        }
        List<ByteBuf> inputs = new ArrayList<>();
        for (byte[] chunk : chunks) {
            ByteBuf in = tracked(chunk);
            inputs.add(in);
            channel.writeInbound(in);
        }
        return new Decoding(channel, drain(channel), inputs);
    }

    static Decoding decode(byte[]... chunks) {
        return decode(MqttDecoder.DEFAULT_MAX_PACKET_SIZE, chunks);
    }

    static List<MqttInbound> drain(EmbeddedChannel channel) {
        List<MqttInbound> decoded = new ArrayList<>();
        for (Object message; (message = channel.readInbound()) != null; ) {
            decoded.add((MqttInbound) message);
        }
        return decoded;
    }

    static void assertDecoded(List<? extends MqttInbound> expected, Decoding decoding) {
        try (decoding) {
            assertEquals(expected, decoding.messages());
        }
    }

    static void releaseAll(List<?> messages) {
        for (Object message : messages) {
            ReferenceCountUtil.release(message);
        }
    }

    /**
     * A buffer from the allocator whose buffers Netty's leak detector tracks ({@code Unpooled} ones it does not), so
     * that a leak in the codec's handling of it is reported.
     */
    static ByteBuf tracked(byte[] bytes) {
        return ByteBufAllocator.DEFAULT.heapBuffer(bytes.length).writeBytes(bytes);
    }

    static ByteBuf payload(String text) {
        return tracked(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
