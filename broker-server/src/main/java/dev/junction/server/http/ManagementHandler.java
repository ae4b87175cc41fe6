package dev.junction.server.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Every request on the management port, once the {@link RequestGate} let it through. {@code GET /health/live}
 * answers 200 while the process serves HTTP at all, {@code GET /health/ready} 200 only while every configured
 * listener is bound (503 during start-up and shutdown); both without authentication, for load balancers.
 * {@code /metrics} is the Prometheus scrape target, also without authentication as scrapers expect;
 * {@code /api/...} is the authenticated JSON API; {@code /} is the web dashboard. Everything else is a JSON 404.
 */
final class ManagementHandler extends SimpleChannelInboundHandler<ManagementRequest> {
    private static final Logger log = LoggerFactory.getLogger(ManagementHandler.class);

    private final BooleanSupplier ready;
    /** Null where the server was started with the health checks only. */
    private final Management management;

    ManagementHandler(BooleanSupplier ready, Management management) {
        this.ready = ready;
        this.management = management;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ManagementRequest accepted) {
        FullHttpRequest request = accepted.http();
        try {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String path = accepted.uri().rawPath();
            if (accepted.isApi()) {
                api(ctx, accepted, keepAlive);
            } else if (path.startsWith("/health/")) {
                Responses.respond(ctx, health(request, path), keepAlive);
            } else if (path.equals("/metrics") && management != null) {
                Responses.respond(ctx, metrics(ctx, request), keepAlive);
            } else if (DashboardFiles.at(path) != null && management != null) {
                Responses.respond(ctx, onlyGet(request, () -> dashboardFile(DashboardFiles.at(path))), keepAlive);
            } else {
                Responses.respond(ctx, Responses.error(ApiError.notFound("Not Found")), keepAlive);
            }
        } finally {
            request.release();
        }
    }

    private FullHttpResponse health(FullHttpRequest request, String path) {
        return switch (path) {
            case "/health/live" -> onlyGet(request, () -> status(HttpResponseStatus.OK, "ok"));
            case "/health/ready" -> onlyGet(request, () -> ready.getAsBoolean()
                    ? status(HttpResponseStatus.OK, "ready")
                    : status(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready"));
            default -> Responses.error(ApiError.notFound("Not Found"));
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
            return Responses.response(HttpResponseStatus.OK, body, management.metrics().contentType());
        });
    }

    /** Static files, so no credentials: the page asks for them and sends them with each API request itself. */
    private static FullHttpResponse dashboardFile(DashboardFiles.StaticFile file) {
        return Responses.response(HttpResponseStatus.OK, Unpooled.wrappedBuffer(file.bytes()), file.contentType());
    }

    private void api(ChannelHandlerContext ctx, ManagementRequest accepted, boolean keepAlive) {
        FullHttpRequest request = accepted.http();
        HttpMethod method = request.method();
        String uri = request.uri();
        String user = accepted.user().name();
        CompletableFuture<ApiResponse> answer;
        try {
            answer = management.api().handle(new ApiRequest(method, accepted.apiPath(),
                    accepted.uri().parameters(), request.content().toString(StandardCharsets.UTF_8), user,
                    ctx.executor()), accepted.user());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenCompleteAsync((response, failure) -> {
            if (failure != null) {
                ApiError error = Responses.apiError(failure);
                if (AuditLog.isRefusal(error.status())) {
                    AuditLog.refused(ctx.channel(), user, method, uri, error.status(), error.reason());
                }
                Responses.respond(ctx, Responses.error(error), keepAlive);
                return;
            }
            if (!method.equals(HttpMethod.GET)) {
                AuditLog.changed(ctx.channel(), user, method, uri, response.status());
            }
            if (response.stream() != null) {
                response.stream().start(ctx, keepAlive);
            } else {
                Responses.respond(ctx, success(response), keepAlive);
            }
        }, ctx.executor());
    }

    private static FullHttpResponse success(ApiResponse response) {
        if (response.body() == null) {
            return Responses.response(response.status(), Unpooled.EMPTY_BUFFER, null);
        }
        return Responses.json(response.status(), response.body());
    }

    private static FullHttpResponse onlyGet(FullHttpRequest request, Supplier<FullHttpResponse> get) {
        if (request.method().equals(HttpMethod.GET)) {
            return get.get();
        }
        FullHttpResponse response = Responses.error(ApiError.methodNotAllowed(request.method().name(),
                new QueryStringDecoder(request.uri()).path()));
        response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
        return response;
    }

    private static FullHttpResponse status(HttpResponseStatus status, String text) {
        return Responses.json(status, Json.object().put("status", text));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("Management connection from {} failed", ctx.channel().remoteAddress(), cause);
        ctx.close();
    }
}
