package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.Broker;
import dev.junction.core.store.Definition.PermissionDefinition;
import dev.junction.server.auth.UserRegistry;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * {@code /api/permissions[/vhost/user]} and {@code /api/vhosts/{vhost}/permissions}: each user's three regular
 * expressions per vhost, as RabbitMQ keeps them. Setting one needs the user and the vhost to exist.
 */
final class PermissionResource implements ApiResource {
    private final Broker broker;
    private final UserRegistry registry;

    PermissionResource(Broker broker, UserRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.segment(0).equals("vhosts")) {
            request.requireMethod(HttpMethod.GET);
            String vhost = request.segment(1);
            return list(permission -> permission.vhost().equals(vhost));
        }
        if (request.length() == 1) {
            request.requireMethod(HttpMethod.GET);
            return list(permission -> true);
        }
        if (request.length() != 3) {
            throw request.unknownPath();
        }
        String vhost = request.segment(1);
        String user = request.segment(2);
        if (request.method().equals(HttpMethod.GET)) {
            return ApiResponse.ok(UserJson.permission(registry.permission(user, vhost).orElseThrow(
                    () -> ApiError.notFound("user '" + user + "' has no permissions on vhost '" + vhost + "'"))));
        }
        if (request.method().equals(HttpMethod.DELETE)) {
            if (!registry.deletePermission(vhost, user)) {
                throw ApiError.notFound("user '" + user + "' has no permissions on vhost '" + vhost + "'");
            }
            return ApiResponse.noContent();
        }
        request.requireMethod(HttpMethod.PUT);
        if (broker.virtualHost(vhost) == null) {
            throw ApiError.badRequest("no vhost '" + vhost + "'");
        }
        ObjectNode body = Json.parseObject(request.body());
        PermissionDefinition permission = new PermissionDefinition(vhost, user, UserJson.pattern(body, "configure"),
                UserJson.pattern(body, "write"), UserJson.pattern(body, "read"));
        try {
            return ApiResponse.declared(registry.putPermission(permission));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private CompletableFuture<ApiResponse> list(Predicate<PermissionDefinition> which) {
        ArrayNode list = Json.array();
        registry.permissions().stream().filter(which).forEach(permission -> list.add(UserJson.permission(permission)));
        return ApiResponse.ok(list);
    }
}
