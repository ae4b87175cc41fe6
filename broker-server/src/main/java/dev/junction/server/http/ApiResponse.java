package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What an API resource answers: a status and a JSON body, or no body (204 and friends), or a stream the resource
 * writes itself once the request is accepted, or a list whose items become JSON only if they are answered.
 */
record ApiResponse(HttpResponseStatus status, JsonNode body, ResponseStream stream, List<ListItem> items) {
    /** A response written over time, such as the live messages of {@code /api/tail}. */
    interface ResponseStream {
        /**
         * Called on the HTTP connection's event loop instead of writing a response; it writes its own, and closes
         * the connection after it unless {@code keepAlive}.
         */
        void start(ChannelHandlerContext ctx, boolean keepAlive);
    }

    ApiResponse(HttpResponseStatus status, JsonNode body) {
        this(status, body, null, null);
    }

    static CompletableFuture<ApiResponse> streaming(ResponseStream stream) {
        return CompletableFuture.completedFuture(new ApiResponse(HttpResponseStatus.OK, null, stream, null));
    }

    /** A list answer, paged and filtered by {@link ListQuery} before any item is built. */
    static CompletableFuture<ApiResponse> list(List<ListItem> items) {
        return CompletableFuture.completedFuture(new ApiResponse(HttpResponseStatus.OK, null, null, items));
    }

    static final ApiResponse NO_CONTENT = new ApiResponse(HttpResponseStatus.NO_CONTENT, null);

    static ApiResponse json(JsonNode body) {
        return new ApiResponse(HttpResponseStatus.OK, body);
    }

    static CompletableFuture<ApiResponse> ok(JsonNode body) {
        return CompletableFuture.completedFuture(json(body));
    }

    static CompletableFuture<ApiResponse> noContent() {
        return CompletableFuture.completedFuture(NO_CONTENT);
    }

    /** RabbitMQ's answer to a PUT: 201 when it created the object, 204 when it was there already. */
    static CompletableFuture<ApiResponse> declared(boolean created) {
        return CompletableFuture.completedFuture(
                new ApiResponse(created ? HttpResponseStatus.CREATED : HttpResponseStatus.NO_CONTENT, null));
    }
}
