package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;

/**
 * An unpaged list answered as a chunked JSON array, a batch of items at a time: each batch is built and written
 * once the previous one reached the socket, so a long list never stands whole in memory, neither as JSON nodes
 * nor as bytes, and a client that reads slowly holds one batch. Runs on the connection's event loop.
 */
final class JsonListStream implements ApiResponse.ResponseStream {
    private static final int BATCH = 100;

    private final List<ListItem> items;
    private final Function<ListItem, JsonNode> json;
    private ChannelHandlerContext ctx;
    private boolean keepAlive;

    /** @param json builds (and shapes) one item */
    JsonListStream(List<ListItem> items, Function<ListItem, JsonNode> json) {
        this.items = items;
        this.json = json;
    }

    @Override
    public void start(ChannelHandlerContext context, boolean keepAlive) {
        this.ctx = context;
        this.keepAlive = keepAlive;
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        Responses.commonHeaders(head.headers())
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        HttpUtil.setKeepAlive(head, keepAlive);
        ctx.write(head);
        writeFrom(0);
    }

    private void writeFrom(int from) {
        int to = Math.min(from + BATCH, items.size());
        ByteBuf chunk = ctx.alloc().buffer();
        try (ByteBufOutputStream out = new ByteBufOutputStream(chunk)) {
            out.writeBytes(from == 0 ? "[" : "");
            for (int i = from; i < to; i++) {
                if (i > 0) {
                    out.writeBytes(",");
                }
                out.write(Json.MAPPER.writeValueAsBytes(json.apply(items.get(i))));
            }
            if (to == items.size()) {
                out.writeBytes("]");
            }
        } catch (IOException e) {
            chunk.release();
            throw new UncheckedIOException("cannot write a JSON list", e);
        }
        if (to == items.size()) {
            var written = ctx.writeAndFlush(new DefaultLastHttpContent(chunk));
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        ctx.writeAndFlush(new DefaultHttpContent(chunk)).addListener(written -> {
            if (written.isSuccess()) {
                writeFrom(to);
            }
        });
    }
}
