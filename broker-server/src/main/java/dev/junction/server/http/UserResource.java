package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.server.amqp.AmqpUsers;
import io.netty.handler.codec.http.HttpMethod;

import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/users[/name]} and {@code /api/whoami}. The broker has no user tags yet: every user it knows is shown
 * as an administrator, which is what each of them may do today.
 */
final class UserResource implements ApiResource {
    private final AmqpUsers users;

    UserResource(AmqpUsers users) {
        this.users = users;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        request.requireMethod(HttpMethod.GET);
        if (request.segment(0).equals("whoami")) {
            return ApiResponse.ok(json(request.user()));
        }
        if (request.length() == 1) {
            ArrayNode list = Json.array();
            new TreeSet<>(users.names()).forEach(name -> list.add(json(name)));
            return ApiResponse.ok(list);
        }
        if (request.length() == 2 && users.names().contains(request.segment(1))) {
            return ApiResponse.ok(json(request.segment(1)));
        }
        if (request.length() == 2) {
            throw ApiError.notFound("no user '" + request.segment(1) + "'");
        }
        throw request.unknownPath();
    }

    static ObjectNode json(String name) {
        ObjectNode node = Json.object().put("name", name);
        node.putArray("tags").add("administrator");
        return node;
    }
}
