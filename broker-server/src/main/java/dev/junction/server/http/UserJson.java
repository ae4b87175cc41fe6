package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.store.Definition.PermissionDefinition;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.server.auth.PasswordHash;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/** Users and permissions in RabbitMQ's JSON shapes, for the user and permission resources and definitions. */
final class UserJson {
    private UserJson() {
    }

    static ObjectNode user(UserDefinition user) {
        ObjectNode node = Json.object()
                .put("name", user.name())
                .put("password_hash", user.passwordHash())
                .put("hashing_algorithm", PasswordHash.parse(user.passwordHash()).algorithm());
        new TreeSet<>(user.tags()).forEach(node.putArray("tags")::add);
        return node;
    }

    static ObjectNode whoami(UserDefinition user) {
        ObjectNode node = Json.object().put("name", user.name());
        new TreeSet<>(user.tags()).forEach(node.putArray("tags")::add);
        return node;
    }

    static ObjectNode permission(PermissionDefinition permission) {
        return Json.object()
                .put("user", permission.user())
                .put("vhost", permission.vhost())
                .put("configure", permission.configure())
                .put("write", permission.write())
                .put("read", permission.read());
    }

    /** {@code tags} as RabbitMQ accepts them: a comma-separated string or a JSON list of strings. */
    static Set<String> tags(ObjectNode body) {
        JsonNode node = body.get("tags");
        Set<String> tags = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return tags;
        }
        if (node.isTextual()) {
            for (String tag : node.asText().split(",")) {
                if (!tag.isBlank()) {
                    tags.add(tag.strip());
                }
            }
            return tags;
        }
        if (!node.isArray()) {
            throw ApiError.badRequest("'tags' must be a comma-separated string or a list of strings");
        }
        for (JsonNode tag : node) {
            if (!tag.isTextual() || tag.asText().isBlank()) {
                throw ApiError.badRequest("every tag must be a non-empty string");
            }
            tags.add(tag.asText().strip());
        }
        return tags;
    }

    /** One of the three permission patterns, required. */
    static String pattern(ObjectNode body, String field) {
        String pattern = Json.text(body, field, null);
        if (pattern == null) {
            throw ApiError.badRequest("'" + field + "' is required");
        }
        return pattern;
    }
}
