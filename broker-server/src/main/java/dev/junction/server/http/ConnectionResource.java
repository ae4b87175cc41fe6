package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.server.http.ConnectionDirectory.OpenConnection;
import dev.junction.server.net.CloseReason;
import dev.junction.server.net.ConnectionUser;
import dev.junction.server.net.ProtocolVersion;
import dev.junction.server.net.PublisherThrottle;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.CompletableFuture;

/** {@code /api/connections[/name[/channels]]}: the client connections of both protocols; DELETE closes one. */
final class ConnectionResource implements ApiResource {
    private final ConnectionDirectory connections;

    ConnectionResource(ConnectionDirectory connections) {
        this.connections = connections;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() == 1) {
            request.requireMethod(HttpMethod.GET);
            ArrayNode list = Json.array();
            connections.list().forEach(connection -> list.add(json(connection)));
            return ApiResponse.ok(list);
        }
        if (request.length() != 2 && !(request.length() == 3 && request.segment(2).equals("channels"))) {
            throw request.unknownPath();
        }
        OpenConnection connection = connections.find(request.segment(1))
                .orElseThrow(() -> ApiError.notFound("no connection '" + request.segment(1) + "'"));
        if (request.length() == 3) {
            return ChannelResource.ofConnection(request, connection);
        }
        if (request.method().equals(HttpMethod.DELETE)) {
            connection.close(CloseReason.requestedBy(request.user(), "the management API"));
            return ApiResponse.noContent();
        }
        request.requireMethod(HttpMethod.GET);
        return ApiResponse.ok(json(connection));
    }

    private static ObjectNode json(OpenConnection connection) {
        return Json.object()
                .put("name", connection.name())
                .put("protocol", connection.protocol().displayName())
                .put("protocol_version", ProtocolVersion.of(connection.channel()))
                .put("host", connection.local().getAddress().getHostAddress())
                .put("port", connection.local().getPort())
                .put("peer_host", connection.peer().getAddress().getHostAddress())
                .put("peer_port", connection.peer().getPort())
                .put("user", ConnectionUser.of(connection.channel()))
                .put("state", PublisherThrottle.state(connection.channel()));
    }
}
