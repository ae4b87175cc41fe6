package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.Arguments;
import dev.junction.core.Broker;
import dev.junction.core.exchange.Binding;
import dev.junction.core.exchange.Exchange;
import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.store.Definition.PermissionDefinition;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.core.vhost.Policy;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.auth.PasswordHash;
import dev.junction.server.auth.UserRegistry;
import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/definitions}: the topology as RabbitMQ's definitions file, exported (GET) and imported (POST). Export
 * leaves out what the broker makes itself: the built-in exchanges, and exclusive queues (they belong to one
 * connection, MQTT sessions' included). Import reads vhosts, exchanges, queues and bindings, validating every item
 * before it declares any, then users (with {@code password_hash}, which must be one of this broker's hashes, and
 * {@code tags}), permissions and policies (the definition keys {@link Policy} accepts); the parameters section is
 * not imported.
 */
final class DefinitionsResource implements ApiResource {
    private static final String RESERVED_PREFIX = "amq.";

    private final Broker broker;
    private final UserRegistry registry;

    DefinitionsResource(Broker broker, UserRegistry registry) {
        this.broker = broker;
        this.registry = registry;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() != 1) {
            throw request.unknownPath();
        }
        if (request.method().equals(HttpMethod.GET)) {
            return ApiResponse.ok(export());
        }
        request.requireMethod(HttpMethod.POST);
        List<Runnable> declarations = parse(Json.parseRequiredObject(request.body()));
        try {
            declarations.forEach(Runnable::run);
        } catch (IllegalArgumentException e) {
            // A permission for a user or with a pattern the registry refuses.
            throw ApiError.badRequest(e.getMessage());
        }
        return ApiResponse.noContent();
    }

    private ObjectNode export() {
        ObjectNode definitions = Json.object()
                .put("product_name", OverviewResource.PRODUCT_NAME)
                .put("product_version", OverviewResource.productVersion());
        ArrayNode vhosts = definitions.putArray("vhosts");
        ArrayNode exchanges = definitions.putArray("exchanges");
        ArrayNode queues = definitions.putArray("queues");
        ArrayNode bindings = definitions.putArray("bindings");
        ArrayNode users = definitions.putArray("users");
        ArrayNode permissions = definitions.putArray("permissions");
        ArrayNode policies = definitions.putArray("policies");
        registry.users().forEach(user -> users.add(UserJson.user(user)));
        registry.permissions().forEach(permission -> permissions.add(UserJson.permission(permission)));
        for (VirtualHost vhost : broker.virtualHosts()) {
            vhosts.addObject().put("name", vhost.name());
            vhost.policies().forEach(policy -> policies.add(PolicyResource.json(vhost, policy)));
            for (Exchange exchange : vhost.exchanges()) {
                if (!isBuiltIn(exchange)) {
                    exchanges.add(TopologyJson.exchange(vhost, exchange));
                }
                for (Binding binding : exchange.bindings()) {
                    if (!(binding.destination() instanceof Queue queue && queue.settings().exclusive())) {
                        bindings.add(TopologyJson.bindingDefinition(vhost, binding));
                    }
                }
            }
            for (Queue queue : vhost.queues()) {
                if (!queue.settings().exclusive()) {
                    queues.add(TopologyJson.queueDefinition(vhost, queue));
                }
            }
        }
        return definitions;
    }

    private static boolean isBuiltIn(Exchange exchange) {
        return exchange.name().isEmpty() || exchange.name().startsWith(RESERVED_PREFIX);
    }

    /** Every item checked and turned into its declaration, in the order they must run. */
    private List<Runnable> parse(ObjectNode definitions) {
        List<Runnable> declarations = new ArrayList<>();
        for (ObjectNode item : items(definitions, "vhosts")) {
            String name = required(item, "vhosts", "name");
            declarations.add(() -> broker.addVirtualHost(name));
        }
        for (ObjectNode item : items(definitions, "exchanges")) {
            String vhost = required(item, "exchanges", "vhost");
            String name = required(item, "exchanges", "name");
            String typeName = required(item, "exchanges", "type");
            ExchangeType type = ExchangeType.fromWireName(typeName);
            if (type == null) {
                throw ApiError.badRequest("exchange '" + name + "': unknown type '" + typeName + "'");
            }
            ExchangeSettings settings = new ExchangeSettings(Json.flag(item, "durable", true),
                    Json.flag(item, "auto_delete", false), Json.flag(item, "internal", false),
                    Json.arguments(item, "arguments"));
            declarations.add(() -> vhost(vhost).declareExchange(name, type, settings));
        }
        for (ObjectNode item : items(definitions, "queues")) {
            String vhost = required(item, "queues", "vhost");
            String name = required(item, "queues", "name");
            QueueSettings settings = new QueueSettings(Json.flag(item, "durable", true), null,
                    Json.flag(item, "auto_delete", false), Json.arguments(item, "arguments"));
            declarations.add(() -> vhost(vhost).declareQueue(name, settings));
        }
        for (ObjectNode item : items(definitions, "bindings")) {
            declarations.add(binding(item));
        }
        for (ObjectNode item : items(definitions, "policies")) {
            String vhost = required(item, "policies", "vhost");
            Policy policy = PolicyResource.parse(required(item, "policies", "name"), item);
            declarations.add(() -> vhost(vhost).setPolicy(policy));
        }
        for (ObjectNode item : items(definitions, "users")) {
            UserDefinition user = user(item);
            declarations.add(() -> registry.putUser(user));
        }
        for (ObjectNode item : items(definitions, "permissions")) {
            PermissionDefinition permission = new PermissionDefinition(required(item, "permissions", "vhost"),
                    required(item, "permissions", "user"), required(item, "permissions", "configure"),
                    required(item, "permissions", "write"), required(item, "permissions", "read"));
            declarations.add(() -> registry.putPermission(permission));
        }
        return declarations;
    }

    /** A user as exported, its stored password in whichever of this broker's forms it is, the old one included. */
    private static UserDefinition user(ObjectNode item) {
        String name = required(item, "users", "name");
        String algorithm = Json.text(item, "hashing_algorithm", null);
        if (algorithm != null && !PasswordHash.ALGORITHMS.contains(algorithm)) {
            throw ApiError.badRequest("user '" + name + "': hashing_algorithm '" + algorithm + "' is not supported"
                    + " (only " + String.join(" and ", PasswordHash.ALGORITHMS) + "); set its password again after"
                    + " import instead");
        }
        String hash = required(item, "users", "password_hash");
        PasswordHash parsed;
        try {
            parsed = PasswordHash.parse(hash);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("user '" + name + "': " + e.getMessage());
        }
        if (algorithm != null && !algorithm.equals(parsed.algorithm())) {
            throw ApiError.badRequest("user '" + name + "': hashing_algorithm '" + algorithm
                    + "' does not match the password_hash, which is " + parsed.algorithm());
        }
        return new UserDefinition(name, hash, UserJson.tags(item));
    }

    private Runnable binding(ObjectNode item) {
        String vhost = required(item, "bindings", "vhost");
        String source = required(item, "bindings", "source");
        String destination = required(item, "bindings", "destination");
        String routingKey = Json.text(item, "routing_key", "");
        var arguments = Json.arguments(item, "arguments");
        Arguments.check(arguments);
        return switch (required(item, "bindings", "destination_type")) {
            case "queue" -> () -> vhost(vhost).bindQueue(source, destination, routingKey, arguments, null);
            case "exchange" -> () -> vhost(vhost).bindExchange(source, destination, routingKey, arguments);
            default -> throw ApiError.badRequest("binding from '" + source + "' to '" + destination
                    + "': destination_type must be queue or exchange");
        };
    }

    private VirtualHost vhost(String name) {
        VirtualHost vhost = broker.virtualHost(name);
        if (vhost == null) {
            throw ApiError.badRequest("vhost '" + name + "' is neither on the broker nor in the definitions");
        }
        return vhost;
    }

    private static List<ObjectNode> items(ObjectNode definitions, String section) {
        JsonNode node = definitions.get(section);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw ApiError.badRequest("'" + section + "' must be a JSON array");
        }
        List<ObjectNode> items = new ArrayList<>(node.size());
        for (JsonNode item : node) {
            if (!(item instanceof ObjectNode object)) {
                throw ApiError.badRequest("every item of '" + section + "' must be a JSON object");
            }
            items.add(object);
        }
        return items;
    }

    private static String required(ObjectNode item, String section, String field) {
        String value = Json.text(item, field, null);
        if (value == null) {
            throw ApiError.badRequest("an item of '" + section + "' lacks '" + field + "'");
        }
        return value;
    }
}
