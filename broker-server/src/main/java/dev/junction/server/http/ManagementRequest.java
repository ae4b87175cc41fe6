package dev.junction.server.http;

import dev.junction.core.store.Definition.UserDefinition;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.List;

/**
 * A request read in full and let through by the {@link RequestGate}. An API request carries its path segments
 * after {@code /api} and the user its credentials authenticated; any other request (health checks, metrics, the
 * dashboard) neither, and an empty body. The receiver releases {@code http}.
 */
record ManagementRequest(FullHttpRequest http, QueryStringDecoder uri, List<String> apiPath, UserDefinition user) {
    boolean isApi() {
        return user != null;
    }
}
