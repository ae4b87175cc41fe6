package dev.junction.bench.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * A protocol's decoder and encoder in a socketless channel, between two ends of one sink: {@code [sink, encoder,
 * decoder, sink]}. Bytes are handed to the decoder's own {@code channelRead} and messages to the encoder's own
 * {@code write}, as the pipeline would, but without {@link EmbeddedChannel#writeInbound}'s queues and per-call
 * task runs, so a benchmark measures the codec and the pipeline hop that follows it. Whatever comes out is shown to
 * the sink's consumer and released.
 */
public final class CodecChannel implements AutoCloseable {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ChannelInboundHandler decoder;
    private final ChannelOutboundHandler encoder;
    private final ChannelHandlerContext decoderContext;
    private final ChannelHandlerContext encoderContext;
    private final Sink sink;

    public CodecChannel(ChannelInboundHandler decoder, ChannelOutboundHandler encoder, Consumer<Object> consumer) {
        this.decoder = decoder;
        this.encoder = encoder;
        sink = new Sink(consumer);
        channel.pipeline().addLast(sink, encoder, decoder, sink);
        decoderContext = channel.pipeline().context(decoder);
        encoderContext = channel.pipeline().context(encoder);
    }

    /** One socket read: {@code bytes} (taken over, released by the decoder) then read-complete. */
    public void read(ByteBuf bytes) throws Exception {
        decoder.channelRead(decoderContext, bytes);
        decoder.channelReadComplete(decoderContext);
    }

    /** One write as the protocol handlers make it, with the void promise. */
    public void write(Object message) throws Exception {
        encoder.write(encoderContext, message, encoderContext.voidPromise());
    }

    /** Messages the decoder has passed on. */
    public long messagesRead() {
        return sink.read;
    }

    /** Buffers the encoder has passed on. */
    public long buffersWritten() {
        return sink.written;
    }

    /** The bytes {@code encoder} writes for {@code messages}, in one direct buffer, to be read back by a decoder. */
    public static ByteBuf encoded(ChannelOutboundHandler encoder, Iterable<?> messages) {
        EmbeddedChannel channel = new EmbeddedChannel(encoder);
        ByteBuf bytes = channel.alloc().directBuffer();
        for (Object message : messages) {
            channel.writeOutbound(message);
        }
        for (ByteBuf part; (part = channel.readOutbound()) != null; ) {
            bytes.writeBytes(part);
            part.release();
        }
        channel.finish();
        return bytes;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }

    @Sharable
    private static final class Sink extends ChannelDuplexHandler {
        private final Consumer<Object> consumer;
        long read;
        long written;

        Sink(Consumer<Object> consumer) {
            this.consumer = consumer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            read++;
            consumer.accept(msg);
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written++;
            consumer.accept(msg);
            ReferenceCountUtil.release(msg);
        }
    }
}
