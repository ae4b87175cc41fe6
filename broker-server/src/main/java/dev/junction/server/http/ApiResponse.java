package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.concurrent.CompletableFuture;

/** What an API resource answers: a status and a JSON body, or no body (204 and friends). */
record ApiResponse(HttpResponseStatus status, JsonNode body) {
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
