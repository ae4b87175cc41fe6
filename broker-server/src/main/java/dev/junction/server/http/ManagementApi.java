package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.junction.core.Broker;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.server.auth.Logins;
import dev.junction.server.mqtt.MqttBroker;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The JSON API under {@code /api/}, after RabbitMQ's management API: HTTP basic authentication with the broker's
 * users (guest only from loopback, as over AMQP), authorisation by the user's tags ({@link ManagementAccess}),
 * then the resource the first path segment names. A list a GET answers goes through {@link ListQuery} (RabbitMQ's
 * paging, filtering and column parameters).
 */
public final class ManagementApi {
    static final String REALM = "Basic realm=\"Junction Management\"";

    private final Logins logins;
    private final ManagementAccess access;
    private final PermissionResource permissions;
    private final Map<String, ApiResource> resources;
    private final int maxUnpagedItems;

    /** @param maxUnpagedItems the longest list answered without {@code page} ({@code http.max_unpaged_items}) */
    public ManagementApi(Broker broker, MqttBroker mqtt, Logins logins, ConnectionDirectory connections,
                         int maxUnpagedItems) {
        this.logins = logins;
        this.maxUnpagedItems = maxUnpagedItems;
        this.access = new ManagementAccess(logins.registry());
        this.permissions = new PermissionResource(broker, logins.registry());
        Map<String, ApiResource> resources = new HashMap<>(Map.of(
                "overview", new OverviewResource(broker, mqtt, connections),
                "vhosts", new VhostResource(broker),
                "exchanges", new ExchangeResource(broker),
                "queues", new QueueResource(broker),
                "bindings", new BindingResource(broker),
                "connections", new ConnectionResource(connections),
                "definitions", new DefinitionsResource(broker, logins.registry()),
                "users", new UserResource(logins),
                "permissions", permissions));
        // Map.of takes at most ten entries.
        resources.put("channels", new ChannelResource(connections));
        resources.put("consumers", new ConsumerResource(connections));
        resources.put("mqtt", new MqttResource(mqtt));
        resources.put("tail", new TailResource(broker, mqtt));
        resources.put("policies", new PolicyResource(broker));
        this.resources = Map.copyOf(resources);
    }

    /**
     * Checks a request's basic credentials (null: none or malformed) through the broker's logins; completes on
     * {@code loop} with the user, or with a 401 (after the failed-login delay).
     */
    CompletableFuture<UserDefinition> authenticate(BasicCredentials credentials, InetAddress peer,
                                                   ScheduledExecutorService loop) {
        if (credentials == null) {
            return CompletableFuture.failedFuture(unauthorized());
        }
        return logins.password(credentials.user(), credentials.password(), peer, loop)
                .thenApply(login -> {
                    // A user deleted between the check and here is as good as a wrong password.
                    UserDefinition user = login.accepted() ? logins.registry().user(login.user()).orElse(null) : null;
                    if (user == null) {
                        throw unauthorized();
                    }
                    return user;
                });
    }

    private static ApiError unauthorized() {
        return new ApiError(HttpResponseStatus.UNAUTHORIZED, "not_authorized", "Login failed");
    }

    CompletableFuture<ApiResponse> handle(ApiRequest request, UserDefinition user) {
        if (request.length() == 0) {
            throw request.unknownPath();
        }
        if (request.segment(0).equals("whoami")) {
            request.requireMethod(HttpMethod.GET);
            return ApiResponse.ok(UserJson.whoami(user));
        }
        access.authorise(user, request);
        ApiResource resource = ManagementAccess.isVhostPermissions(request) ? permissions
                : resources.get(request.segment(0));
        if (resource == null) {
            throw request.unknownPath();
        }
        return resource.handle(request).thenApply(response -> {
            if (response.items() != null) {
                return ListQuery.apply(request, access.visible(user, response.items()), maxUnpagedItems);
            }
            if (response.body() == null) {
                return response;
            }
            JsonNode visible = access.visible(user, request, response.body());
            return request.method().equals(HttpMethod.GET) && visible instanceof ArrayNode list
                    ? ListQuery.apply(request, ListItem.of(list), maxUnpagedItems)
                    : new ApiResponse(response.status(), visible);
        });
    }
}
