package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.server.auth.Logins;
import dev.junction.server.auth.UserRegistry;
import io.netty.handler.codec.http.HttpMethod;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/users[/name[/permissions]]}. A PUT takes {@code password} (hashed here, off the event loop) or an
 * already hashed {@code password_hash}, and {@code tags}; without either password field it changes the tags of
 * an existing user and keeps its password. A changed password is refused at the next login at once.
 */
final class UserResource implements ApiResource {
    private final Logins logins;
    private final UserRegistry registry;

    UserResource(Logins logins) {
        this.logins = logins;
        this.registry = logins.registry();
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() == 1) {
            request.requireMethod(HttpMethod.GET);
            ArrayNode list = Json.array();
            registry.users().forEach(user -> list.add(UserJson.user(user)));
            return ApiResponse.ok(list);
        }
        String name = request.segment(1);
        if (request.length() == 3 && request.segment(2).equals("permissions")) {
            request.requireMethod(HttpMethod.GET);
            ArrayNode list = Json.array();
            registry.permissions().stream().filter(permission -> permission.user().equals(name))
                    .forEach(permission -> list.add(UserJson.permission(permission)));
            return ApiResponse.ok(list);
        }
        if (request.length() != 2) {
            throw request.unknownPath();
        }
        if (request.method().equals(HttpMethod.GET)) {
            return ApiResponse.ok(UserJson.user(registry.user(name).orElseThrow(() -> noUser(name))));
        }
        if (request.method().equals(HttpMethod.DELETE)) {
            if (!registry.deleteUser(name)) {
                throw noUser(name);
            }
            return ApiResponse.noContent();
        }
        request.requireMethod(HttpMethod.PUT);
        return put(name, Json.parseObject(request.body()));
    }

    private CompletableFuture<ApiResponse> put(String name, ObjectNode body) {
        Set<String> tags = UserJson.tags(body);
        String password = Json.text(body, "password", null);
        String passwordHash = Json.text(body, "password_hash", null);
        if (password != null && passwordHash != null) {
            throw ApiError.badRequest("give either 'password' or 'password_hash', not both");
        }
        if (password != null) {
            if (password.isEmpty()) {
                throw ApiError.badRequest("'password' must not be empty");
            }
            return logins.hash(password).thenCompose(hash -> store(name, hash, tags));
        }
        if (passwordHash == null) {
            UserDefinition existing = registry.user(name).orElseThrow(() -> ApiError.badRequest(
                    "a new user needs 'password' or 'password_hash'"));
            passwordHash = existing.passwordHash();
        }
        return store(name, passwordHash, tags);
    }

    private CompletableFuture<ApiResponse> store(String name, String passwordHash, Set<String> tags) {
        try {
            return ApiResponse.declared(registry.putUser(new UserDefinition(name, passwordHash, tags)));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }

    private static ApiError noUser(String name) {
        return ApiError.notFound("no user '" + name + "'");
    }
}
