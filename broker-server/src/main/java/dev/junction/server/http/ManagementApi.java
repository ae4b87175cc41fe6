package dev.junction.server.http;

import dev.junction.core.Broker;
import dev.junction.server.amqp.AmqpUsers;
import dev.junction.server.mqtt.MqttBroker;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The JSON API under {@code /api/}, after RabbitMQ's management API: HTTP basic authentication with the broker's
 * users (guest only from loopback, as over AMQP), then the resource the first path segment names.
 */
public final class ManagementApi {
    static final String REALM = "Basic realm=\"Junction Management\"";

    private final AmqpUsers users;
    private final Map<String, ApiResource> resources;

    public ManagementApi(Broker broker, MqttBroker mqtt, AmqpUsers users, ConnectionDirectory connections) {
        this.users = users;
        UserResource userResource = new UserResource(users);
        Map<String, ApiResource> resources = new HashMap<>(Map.of(
                "overview", new OverviewResource(broker, mqtt, connections),
                "vhosts", new VhostResource(broker),
                "exchanges", new ExchangeResource(broker),
                "queues", new QueueResource(broker),
                "bindings", new BindingResource(broker),
                "connections", new ConnectionResource(connections),
                "definitions", new DefinitionsResource(broker),
                "users", userResource,
                "whoami", userResource));
        // Map.of takes at most ten entries.
        resources.put("channels", new ChannelResource(connections));
        resources.put("mqtt", new MqttResource(mqtt));
        resources.put("tail", new TailResource(broker, mqtt));
        this.resources = Map.copyOf(resources);
    }

    /** Checks a request's {@code Authorization} header; returns the user name, or throws a 401. */
    String authenticate(String authorization, InetAddress peer) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthorized();
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw unauthorized();
        }
        int colon = credentials.indexOf(':');
        if (colon < 0) {
            throw unauthorized();
        }
        String user = credentials.substring(0, colon);
        if (users.refusal(user, credentials.substring(colon + 1), peer) != null) {
            throw unauthorized();
        }
        return user;
    }

    private static ApiError unauthorized() {
        return new ApiError(HttpResponseStatus.UNAUTHORIZED, "not_authorized", "Login failed");
    }

    CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() == 0) {
            throw request.unknownPath();
        }
        ApiResource resource = resources.get(request.segment(0));
        if (resource == null) {
            throw request.unknownPath();
        }
        return resource.handle(request);
    }
}
