package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.server.auth.UserRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.Set;

/**
 * What a logged-in user may do through the API, by its tags as in RabbitMQ: {@code administrator} everything;
 * {@code monitoring} read everything but users, permissions and definitions; {@code management} read only what
 * concerns the vhosts it has permissions on; no such tag, nothing. Refusals are 401s with RabbitMQ's reasons.
 * {@code tail} is a GET but declares a queue and binds it, and shows message bodies of any vhost: administrators only.
 */
final class ManagementAccess {
    private static final Set<String> ADMINISTRATOR_ONLY = Set.of("users", "permissions", "definitions", "tail",
            "policies");
    /** Resources whose paths name a vhost as their second segment. */
    private static final Set<String> BY_VHOST = Set.of("vhosts", "queues", "exchanges", "bindings", "consumers");

    private final UserRegistry registry;

    ManagementAccess(UserRegistry registry) {
        this.registry = registry;
    }

    void authorise(UserDefinition user, ApiRequest request) {
        Set<String> tags = user.tags();
        boolean administrator = tags.contains(UserRegistry.ADMINISTRATOR);
        if (!administrator && !tags.contains(UserRegistry.MONITORING) && !tags.contains(UserRegistry.MANAGEMENT)) {
            throw notAuthorised("Not management user");
        }
        if (administrator) {
            return;
        }
        boolean adminResource = request.length() > 0 && (ADMINISTRATOR_ONLY.contains(request.segment(0))
                || isVhostPermissions(request));
        if (!request.method().equals(HttpMethod.GET) || adminResource) {
            throw notAuthorised("Not administrator user");
        }
        if (managementOnly(user) && request.length() > 1 && BY_VHOST.contains(request.segment(0))
                && registry.permission(user.name(), request.segment(1)).isEmpty()) {
            throw notAuthorised("User not authorised to access virtual host");
        }
    }

    /** The answer as {@code user} may see it: a management user's lists keep only its vhosts' items. */
    JsonNode visible(UserDefinition user, ApiRequest request, JsonNode body) {
        if (!managementOnly(user) || !(body instanceof ArrayNode list)) {
            return body;
        }
        String vhostField = request.length() == 1 && request.segment(0).equals("vhosts") ? "name" : "vhost";
        ArrayNode visible = Json.array();
        for (JsonNode item : list) {
            // A consumer names its vhost only inside its queue, as in RabbitMQ.
            JsonNode vhost = item.path("queue").isObject() ? item.get("queue").get("vhost") : item.get(vhostField);
            if (vhost == null || registry.permission(user.name(), vhost.asText()).isPresent()) {
                visible.add(item);
            }
        }
        return visible;
    }

    /** The items of a list answer {@code user} may see: a management user's, those of its vhosts. */
    List<ListItem> visible(UserDefinition user, List<ListItem> items) {
        if (!managementOnly(user)) {
            return items;
        }
        return items.stream().filter(item -> item.vhost() == null
                || registry.permission(user.name(), item.vhost()).isPresent()).toList();
    }

    static boolean isVhostPermissions(ApiRequest request) {
        return request.length() == 3 && request.segment(0).equals("vhosts")
                && request.segment(2).equals("permissions");
    }

    private static boolean managementOnly(UserDefinition user) {
        return !user.tags().contains(UserRegistry.ADMINISTRATOR) && !user.tags().contains(UserRegistry.MONITORING);
    }

    private static ApiError notAuthorised(String reason) {
        return new ApiError(HttpResponseStatus.UNAUTHORIZED, "not_authorized", reason);
    }
}
