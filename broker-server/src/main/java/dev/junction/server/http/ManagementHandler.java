package dev.junction.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.core.BrokerException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Every request on the management port. {@code GET /health/live} answers 200 while the process serves HTTP at all,
 * {@code GET /health/ready} 200 only while every configured listener is bound (503 during start-up and shutdown);
 * both without authentication, for load balancers. {@code /metrics} is the Prometheus scrape target, also without
 * authentication as scrapers expect; {@code /api/...} is the authenticated JSON API; {@code /} is the web dashboard.
 * Everything else is a JSON 404.
 */
final class ManagementHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ManagementHandler.class);
    private static final String API_PREFIX = "/api";

    private final BooleanSupplier ready;
    /** Null where the server was started with the health checks only. */
    private final Management management;

    ManagementHandler(BooleanSupplier ready, Management management) {
        this.ready = ready;
        this.management = management;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            respond(ctx, error(ApiError.badRequest("malformed HTTP request")), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        String path = uri.rawPath();
        if (path.startsWith("/health/")) {
            respond(ctx, health(request, path), keepAlive);
        } else if (path.equals("/metrics") && management != null) {
            respond(ctx, metrics(ctx, request), keepAlive);
        } else if ((path.equals(API_PREFIX) || path.startsWith(API_PREFIX + "/")) && management != null) {
            api(ctx, request, uri, keepAlive);
        } else if (DashboardFiles.at(path) != null && management != null) {
            respond(ctx, onlyGet(request, () -> dashboardFile(DashboardFiles.at(path))), keepAlive);
        } else {
            respond(ctx, error(ApiError.notFound("Not Found")), keepAlive);
        }
    }

    private FullHttpResponse health(FullHttpRequest request, String path) {
        return switch (path) {
            case "/health/live" -> onlyGet(request, () -> status(HttpResponseStatus.OK, "ok"));
            case "/health/ready" -> onlyGet(request, () -> ready.getAsBoolean()
                    ? status(HttpResponseStatus.OK, "ready")
                    : status(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready"));
            default -> error(ApiError.notFound("Not Found"));
        };
    }

    private FullHttpResponse metrics(ChannelHandlerContext ctx, FullHttpRequest request) {
        return onlyGet(request, () -> {
            ByteBuf body = ctx.alloc().buffer();
            try (ByteBufOutputStream out = new ByteBufOutputStream(body)) {
                management.metrics().scrape(out);
            } catch (IOException e) {
                body.release();
                throw new IllegalStateException("cannot write metrics", e);
            }
            return response(HttpResponseStatus.OK, body, management.metrics().contentType());
        });
    }

    /** Static files, so no credentials: the page asks for them and sends them with each API request itself. */
    private static FullHttpResponse dashboardFile(DashboardFiles.StaticFile file) {
        FullHttpResponse response = response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(file.bytes()),
                file.contentType());
        response.headers()
                .set("Content-Security-Policy", "default-src 'self'")
                .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private void api(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder uri, boolean keepAlive) {
        CompletableFuture<ApiResponse> answer;
        try {
            InetAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress socket
                    ? socket.getAddress() : null;
            String body = request.content().toString(StandardCharsets.UTF_8);
            answer = management.api().authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION), peer,
                    ctx.executor()).thenCompose(user -> management.api().handle(new ApiRequest(request.method(),
                    segments(uri.rawPath()), uri.parameters(), body, user.name(), ctx.executor()), user));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenCompleteAsync((response, failure) -> {
            if (failure == null && response.stream() != null) {
                response.stream().start(ctx);
            } else {
                respond(ctx, failure == null ? success(response) : error(failure), keepAlive);
            }
        }, ctx.executor());
    }

    /** The path after {@code /api}, each segment percent-decoded on its own ({@code %2F} stays inside it). */
    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        String rest = rawPath.substring(API_PREFIX.length());
        for (String segment : rest.split("/", -1)) {
            segments.add(QueryStringDecoder.decodeComponent(segment.replace("+", "%2B")));
        }
        segments.remove(0);
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1);
        }
        return segments;
    }

    private static FullHttpResponse success(ApiResponse response) {
        if (response.body() == null) {
            return response(response.status(), Unpooled.EMPTY_BUFFER, null);
        }
        return json(response.status(), response.body());
    }

    private static FullHttpResponse error(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        ApiError error;
        if (cause instanceof ApiError apiError) {
            error = apiError;
        } else if (cause instanceof BrokerException brokerException) {
            error = ApiError.from(brokerException);
        } else {
            log.error("Management request failed", cause);
            error = new ApiError(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal_error",
                    String.valueOf(cause.getMessage()));
        }
        FullHttpResponse response = json(error.status(),
                Json.object().put("error", error.error()).put("reason", error.reason()));
        if (error.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, ManagementApi.REALM);
        }
        return response;
    }

    private static FullHttpResponse onlyGet(FullHttpRequest request, Supplier<FullHttpResponse> get) {
        if (request.method().equals(HttpMethod.GET)) {
            return get.get();
        }
        FullHttpResponse response = error(ApiError.methodNotAllowed(request.method().name(),
                new QueryStringDecoder(request.uri()).path()));
        response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
        return response;
    }

    private static FullHttpResponse status(HttpResponseStatus status, String text) {
        return json(status, Json.object().put("status", text));
    }

    private static FullHttpResponse json(HttpResponseStatus status, JsonNode body) {
        try {
            return response(status, Unpooled.wrappedBuffer(Json.MAPPER.writeValueAsBytes(body)),
                    HttpHeaderValues.APPLICATION_JSON.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    private static FullHttpResponse response(HttpResponseStatus status, ByteBuf body, String contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        if (contentType != null) {
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        response.headers()
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
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
        log.debug("Management connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
