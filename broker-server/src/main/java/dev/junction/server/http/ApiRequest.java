package dev.junction.server.http;

import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One authenticated API request. {@code path} holds the decoded segments after {@code /api}: each segment is
 * percent-decoded on its own, so vhost {@code /} arrives as {@code %2F} and stays one segment. Work that completes
 * on a queue's shard thread continues on {@code replyExecutor} (the HTTP connection's event loop), never on the shard.
 */
record ApiRequest(HttpMethod method, List<String> path, Map<String, List<String>> query, String body, String user,
                  Executor replyExecutor) {
    String segment(int index) {
        return path.get(index);
    }

    int length() {
        return path.size();
    }

    boolean queryFlag(String name) {
        List<String> values = query.get(name);
        return values != null && !values.isEmpty() && values.get(0).equals("true");
    }

    void requireMethod(HttpMethod allowed) {
        if (!method.equals(allowed)) {
            throw methodNotAllowed();
        }
    }

    ApiError methodNotAllowed() {
        return ApiError.methodNotAllowed(method.name(), "/api/" + String.join("/", path));
    }

    ApiError unknownPath() {
        return ApiError.notFound("no such API path: /api/" + String.join("/", path));
    }
}
