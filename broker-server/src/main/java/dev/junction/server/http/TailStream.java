package dev.junction.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.BrokerException;
import dev.junction.core.message.Message;
import dev.junction.core.queue.ConsumerOptions;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueConsumer;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.queue.Subscription;
import dev.junction.core.vhost.VirtualHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.Map;
import java.util.UUID;

/**
 * One {@code /api/tail} request: a temporary exclusive, auto-delete queue bound to the pattern, consumed into a
 * chunked response of one JSON object per line. A delivery is settled once its line is written to the socket, so
 * the prefetch bounds what a slow reader holds in memory, and the queue's length limit what waits for it (oldest
 * dropped first). The queue goes when the HTTP connection does.
 */
final class TailStream implements ApiResponse.ResponseStream, QueueConsumer {
    private static final int PREFETCH = 100;
    private static final int MAX_WAITING = 10_000;

    private final VirtualHost vhost;
    private final Queue queue;
    private final int limit;
    private ChannelHandlerContext ctx;
    private volatile Subscription subscription;
    private int sent;
    private boolean ended;

    private TailStream(VirtualHost vhost, String exchange, String pattern, int limit) {
        this.vhost = vhost;
        this.limit = limit;
        this.queue = vhost.declareQueue("junction-tail-" + UUID.randomUUID(), new QueueSettings(false, this, true,
                Map.of("x-max-length", MAX_WAITING, "x-overflow", "drop-head")));
        try {
            vhost.bindQueue(exchange, queue.name(), pattern, Map.of(), this);
        } catch (BrokerException e) {
            vhost.deleteQueue(queue.name(), this, false, false);
            throw e;
        }
    }

    /** Declares and binds the queue now, so that what is published once the response has begun is seen. */
    static TailStream open(VirtualHost vhost, String exchange, String pattern, int limit) {
        return new TailStream(vhost, exchange, pattern, limit);
    }

    /** The connection is closed after the stream, which may last until the client goes: never kept alive. */
    @Override
    public void start(ChannelHandlerContext context, boolean keepAlive) {
        ctx = context;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson")
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(head);
        ctx.channel().closeFuture().addListener(closed -> ctx.executor().execute(this::end));
        queue.subscribe(this, new ConsumerOptions(PREFETCH, false, true)).whenComplete((subscribed, failure) ->
                ctx.executor().execute(() -> {
                    if (failure != null) {
                        ctx.close();
                    } else if (ended) {
                        subscribed.cancel();
                    } else {
                        subscription = subscribed;
                    }
                }));
    }

    @Override
    public void deliver(Delivery delivery) {
        ctx.executor().execute(() -> write(delivery));
    }

    private void write(Delivery delivery) {
        Message message = delivery.message();
        try {
            if (ended) {
                return;
            }
            ByteBuf line = line(message, delivery.redelivered());
            ctx.writeAndFlush(new DefaultHttpContent(line)).addListener(written ->
                    delivery.subscription().settle(delivery.entryId()));
            if (limit > 0 && ++sent == limit) {
                ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                end();
            }
        } finally {
            message.release();
        }
    }

    private static ByteBuf line(Message message, boolean redelivered) {
        ObjectNode node = Json.object()
                .put("exchange", message.exchange())
                .put("routing_key", message.routingKey())
                .put("redelivered", redelivered)
                .put("payload_bytes", message.bodySize());
        node.set("properties", QueueReader.properties(message.properties()));
        Payloads.put(node, ByteBufUtil.getBytes(message.body()), false);
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(node);
            return Unpooled.wrappedBuffer(json, new byte[] {'\n'});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    @Override
    public void queueDeleted(Queue deleted) {
        ctx.executor().execute(() -> {
            if (!ended) {
                end();
                ctx.close();
            }
        });
    }

    /** The HTTP client went away or has all it asked for: the subscription and the queue go. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        if (subscription != null) {
            subscription.cancel();
        }
        vhost.deleteQueue(queue.name(), this, false, false);
    }
}
