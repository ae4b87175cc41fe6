package dev.junction.server.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The health endpoints: {@code GET /health/live} answers 200 while the process serves HTTP at all, and
 * {@code GET /health/ready} answers 200 only while every configured listener is bound (503 during start-up and
 * shutdown). Every other path is a JSON 404.
 */
final class HealthHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final BooleanSupplier ready;

    HealthHandler(BooleanSupplier ready) {
        this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (request.decoderResult().isFailure()) {
            respond(ctx, json(HttpResponseStatus.BAD_REQUEST, "{\"error\":\"malformed request\"}"), false);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        FullHttpResponse response = switch (path) {
            case "/health/live" -> onlyGet(request, () -> json(HttpResponseStatus.OK, "{\"status\":\"ok\"}"));
            case "/health/ready" -> onlyGet(request, () -> ready.getAsBoolean()
                    ? json(HttpResponseStatus.OK, "{\"status\":\"ready\"}")
                    : json(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"status\":\"not ready\"}"));
            default -> json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}");
        };
        respond(ctx, response, HttpUtil.isKeepAlive(request));
    }

    private static FullHttpResponse onlyGet(FullHttpRequest request, Supplier<FullHttpResponse> get) {
        if (request.method().equals(HttpMethod.GET)) {
            return get.get();
        }
        FullHttpResponse response = json(HttpResponseStatus.METHOD_NOT_ALLOWED, "{\"error\":\"method not allowed\"}");
        response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
        return response;
    }

    private static FullHttpResponse json(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        return response;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
