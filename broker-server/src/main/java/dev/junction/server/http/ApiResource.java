package dev.junction.server.http;

import java.util.concurrent.CompletableFuture;

/** The handler of one top-level API path ({@code /api/queues/...}); it sees the segments after {@code /api}. */
interface ApiResource {
    CompletableFuture<ApiResponse> handle(ApiRequest request);
}
