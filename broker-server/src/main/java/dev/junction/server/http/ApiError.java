package dev.junction.server.http;

import dev.junction.core.BrokerException;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A refused management request, answered with RabbitMQ's error body {@code {"error": .., "reason": ..}} so that
 * tools written for RabbitMQ's management API report it the same way.
 */
final class ApiError extends RuntimeException {
    private final HttpResponseStatus status;
    private final String error;

    ApiError(HttpResponseStatus status, String error, String reason) {
        super(reason, null, false, false);
        this.status = status;
        this.error = error;
    }

    HttpResponseStatus status() {
        return status;
    }

    String error() {
        return error;
    }

    String reason() {
        return getMessage();
    }

    static ApiError notFound(String reason) {
        return new ApiError(HttpResponseStatus.NOT_FOUND, "Object Not Found", reason);
    }

    static ApiError badRequest(String reason) {
        return new ApiError(HttpResponseStatus.BAD_REQUEST, "bad_request", reason);
    }

    static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                method + " is not allowed on " + path);
    }

    /** The core's refusal, with the HTTP status RabbitMQ's management API gives the same refusal. */
    static ApiError from(BrokerException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> notFound(e.getMessage());
            case ACCESS_REFUSED -> new ApiError(HttpResponseStatus.FORBIDDEN, "access_refused", e.getMessage());
            case NOT_ALLOWED -> new ApiError(HttpResponseStatus.METHOD_NOT_ALLOWED, "not_allowed", e.getMessage());
            case PRECONDITION_FAILED, RESOURCE_LOCKED -> badRequest(e.getMessage());
        };
    }
}
