package dev.junction.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.core.BrokerException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;

/** The management port's responses: JSON bodies, RabbitMQ's error shape, and the headers every answer carries. */
final class Responses {
    private static final Logger log = LoggerFactory.getLogger(Responses.class);
    /** No page of the console (nor any answer) may be framed by another site: clickjacking. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'";

    private Responses() {
    }

    /** The refusal {@code failure} stands for, as RabbitMQ's error body; anything unexpected is a logged 500. */
    static ApiError apiError(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ApiError apiError) {
            return apiError;
        }
        if (cause instanceof BrokerException brokerException) {
            return ApiError.from(brokerException);
        }
        log.error("Management request failed", cause);
        return new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                String.valueOf(cause.getMessage()));
    }

    static FullHttpResponse error(ApiError error) {
        FullHttpResponse response = json(error.status(),
                Json.object().put("error", error.error()).put("reason", error.reason()));
        if (error.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, ManagementApi.REALM);
        }
        return response;
    }

    static FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
        try {
            return response(status, Unpooled.wrappedBuffer(Json.MAPPER.writeValueAsBytes(body)),
                    HttpHeaderValues.APPLICATION_JSON.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    static FullHttpResponse response(HttpResponseStatus status, ByteBuf body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        commonHeaders(response.headers()).setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    /** The headers every answer carries: nothing is cached, framed or sniffed. */
    static HttpHeaders commonHeaders(HttpHeaders headers) {
        return headers
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .set("X-Frame-Options", "DENY")
                .set("X-Content-Type-Options", "nosniff");
    }

    static void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** An error answered before the request's body was read: the connection cannot carry another request. */
    static void refuseAndClose(ChannelHandlerContext ctx, ApiError error) {
        respond(ctx, error(error), false);
    }
}
