package dev.junction.server.http;

import dev.junction.core.store.Definition.UserDefinition;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides on a request's headers, before one byte of its body is kept: an API request must be within its route's
 * body size ({@code Content-Length} is checked at once, the body again as it arrives), must not be a cross-site
 * request ({@link CrossSiteRequests}), and its credentials are checked before its body is read; a refusal is
 * answered and the connection closed with the body unread. While credentials are checked the connection is not
 * read, so an unauthenticated client holds at most what one socket read brought in. Other requests (health checks,
 * metrics, the dashboard) need no body: theirs is dropped as it arrives. Passes each request on as one
 * {@link ManagementRequest}. Runs on the connection's event loop.
 */
final class RequestGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestGate.class);
    static final String API_PREFIX = "/api";

    /** Null where the server was started with the health checks only: then nothing is an API request. */
    private final Management management;
    private final HttpSettings settings;

    /** Messages that arrived while credentials were checked, handled once the check is done. */
    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    private boolean authenticating;
    /** After a refusal the connection is closing: whatever still arrives is dropped. */
    private boolean refused;

    /** The request being read; null between requests. */
    private HttpRequest head;
    private QueryStringDecoder uri;
    private List<String> apiPath;
    private UserDefinition user;
    private int maxBody;
    /** The body of an authenticated API request so far; null for requests whose body is dropped. */
    private CompositeByteBuf body;

    RequestGate(Management management, HttpSettings settings) {
        this.management = management;
        this.settings = settings;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (authenticating) {
            waiting.add(msg);
        } else {
            handle(ctx, msg);
        }
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request && !started(ctx, request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof HttpContent content)) {
            ReferenceCountUtil.release(msg);
        } else if (authenticating) {
            // Headers and body in one message: the body waits for the credentials like any later part.
            waiting.addFirst(new DefaultLastHttpContent(content.content().retain()));
            content.release();
        } else {
            content(ctx, content);
        }
    }

    /** The headers of a new request: false when it was refused on them. */
    private boolean started(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            log.debug("Malformed management request from {}", ctx.channel().remoteAddress(), cause);
            refuse(ctx, malformed(cause));
            return false;
        }
        head = request;
        uri = new QueryStringDecoder(request.uri());
        String path = uri.rawPath();
        if (management == null || !(path.equals(API_PREFIX) || path.startsWith(API_PREFIX + "/"))) {
            apiPath = null;
            return true;
        }
        apiPath = segments(path);
        maxBody = isDefinitionsImport(request.method(), apiPath) ? settings.maxDefinitionsSize()
                : settings.maxBodySize();
        long announced = HttpUtil.getContentLength(request, 0L);
        if (announced > maxBody) {
            refuseApi(ctx, null, tooLarge());
            return false;
        }
        ApiError crossSite = CrossSiteRequests.refusal(request, ctx.pipeline().get(SslHandler.class) != null);
        if (crossSite != null) {
            refuseApi(ctx, null, crossSite);
            return false;
        }
        BasicCredentials credentials = BasicCredentials.parse(request.headers().get(HttpHeaderNames.AUTHORIZATION));
        authenticating = true;
        ctx.channel().config().setAutoRead(false);
        InetAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress socket
                ? socket.getAddress() : null;
        management.api().authenticate(credentials, peer, ctx.executor())
                .whenCompleteAsync((authenticated, failure) -> authenticated(ctx, credentials, authenticated,
                        failure), ctx.executor());
        return true;
    }

    private void authenticated(ChannelHandlerContext ctx, BasicCredentials credentials, UserDefinition authenticated,
                               Throwable failure) {
        authenticating = false;
        if (!ctx.channel().isActive()) {
            dropAll();
            return;
        }
        if (failure != null) {
            refuseApi(ctx, credentials == null ? null : credentials.user(), Responses.apiError(failure));
            dropAll();
            return;
        }
        user = authenticated;
        body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        if (HttpUtil.is100ContinueExpected(head)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        while (!authenticating && !waiting.isEmpty()) {
            handle(ctx, waiting.poll());
        }
        if (!authenticating) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    private void content(ChannelHandlerContext ctx, HttpContent content) {
        if (body != null) {
            if (body.readableBytes() + content.content().readableBytes() > maxBody) {
                content.release();
                refuseApi(ctx, user.name(), tooLarge());
                return;
            }
            body.addComponent(true, content.content().retain());
        }
        content.release();
        if (content instanceof LastHttpContent last) {
            DefaultFullHttpRequest full = new DefaultFullHttpRequest(head.protocolVersion(), head.method(),
                    head.uri(), body == null ? Unpooled.EMPTY_BUFFER : body, head.headers(),
                    last.trailingHeaders());
            ManagementRequest request = new ManagementRequest(full, uri, apiPath, user);
            body = null;
            head = null;
            user = null;
            ctx.pipeline().fireUserEventTriggered(RequestDeadlines.REQUEST_READ);
            ctx.fireChannelRead(request);
        }
    }

    private ApiError tooLarge() {
        return new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request_too_large",
                "the request body exceeds " + maxBody + " bytes, the limit of this route");
    }

    private static ApiError malformed(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return new ApiError(HttpResponseStatus.REQUEST_URI_TOO_LONG, "uri_too_long",
                    "the request line is longer than the management port accepts");
        }
        if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            return new ApiError(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large",
                    "the request headers are larger than the management port accepts");
        }
        return ApiError.badRequest("malformed HTTP request");
    }

    private void refuseApi(ChannelHandlerContext ctx, String claimedUser, ApiError error) {
        AuditLog.refused(ctx.channel(), claimedUser, head.method(), head.uri(), error.status(), error.reason());
        refuse(ctx, error);
    }

    private void refuse(ChannelHandlerContext ctx, ApiError error) {
        refused = true;
        releaseBody();
        Responses.refuseAndClose(ctx, error);
    }

    private void dropAll() {
        waiting.forEach(ReferenceCountUtil::release);
        waiting.clear();
    }

    private void releaseBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropAll();
        releaseBody();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        dropAll();
        releaseBody();
    }

    private static boolean isDefinitionsImport(HttpMethod method, List<String> apiPath) {
        return method.equals(HttpMethod.POST) && apiPath.equals(List.of("definitions"));
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
}
