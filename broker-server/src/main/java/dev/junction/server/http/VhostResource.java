package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.Broker;
import dev.junction.core.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.CompletableFuture;

/** {@code /api/vhosts[/name]}: list and show with message totals; PUT creates a vhost. */
final class VhostResource implements ApiResource {
    private final Broker broker;

    VhostResource(Broker broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() == 1) {
            request.requireMethod(HttpMethod.GET);
            ArrayNode list = Json.array();
            broker.virtualHosts().forEach(vhost -> list.add(json(vhost)));
            return ApiResponse.ok(list);
        }
        if (request.length() != 2) {
            throw request.unknownPath();
        }
        String name = request.segment(1);
        if (request.method().equals(HttpMethod.PUT)) {
            if (name.isEmpty()) {
                throw ApiError.badRequest("a vhost name must not be empty");
            }
            boolean existed = broker.virtualHost(name) != null;
            broker.addVirtualHost(name);
            return ApiResponse.declared(!existed);
        }
        request.requireMethod(HttpMethod.GET);
        return ApiResponse.ok(json(Lookup.vhost(broker, name)));
    }

    private static ObjectNode json(VirtualHost vhost) {
        MessageTotals totals = MessageTotals.of(vhost.queues());
        return totals.into(Json.object().put("name", vhost.name()).put("tracing", false));
    }
}
