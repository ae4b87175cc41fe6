package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.Broker;
import dev.junction.core.BrokerException;
import dev.junction.core.vhost.Policy;
import dev.junction.core.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/policies[/vhost[/name]]}: RabbitMQ's policies (see {@link Policy}); PUT adds or replaces one, DELETE
 * clears it, each applied to the vhost's queues at once. A definition key the broker cannot apply yet is a 400
 * naming it.
 */
final class PolicyResource implements ApiResource {
    private final Broker broker;

    PolicyResource(Broker broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() <= 2) {
            request.requireMethod(HttpMethod.GET);
            ArrayNode list = Json.array();
            for (VirtualHost vhost : Lookup.vhosts(broker, request, 1)) {
                vhost.policies().forEach(policy -> list.add(json(vhost, policy)));
            }
            return ApiResponse.ok(list);
        }
        if (request.length() != 3) {
            throw request.unknownPath();
        }
        VirtualHost vhost = Lookup.vhost(broker, request.segment(1));
        String name = request.segment(2);
        if (request.method().equals(HttpMethod.GET)) {
            return ApiResponse.ok(json(vhost, vhost.policies().stream().filter(policy -> policy.name().equals(name))
                    .findFirst().orElseThrow(() -> ApiError.notFound("no policy '" + name + "' in vhost '"
                            + vhost.name() + "'"))));
        }
        if (request.method().equals(HttpMethod.DELETE)) {
            vhost.clearPolicy(name);
            return ApiResponse.noContent();
        }
        request.requireMethod(HttpMethod.PUT);
        Policy policy = parse(name, Json.parseRequiredObject(request.body()));
        boolean existed = vhost.policies().stream().anyMatch(existing -> existing.name().equals(name));
        vhost.setPolicy(policy);
        return ApiResponse.declared(!existed);
    }

    /** A policy from its RabbitMQ JSON form; {@code apply-to} defaults to {@code all} and priority to 0, as there. */
    static Policy parse(String name, ObjectNode body) {
        try {
            return new Policy(name, Json.text(body, "pattern", null),
                    Policy.ApplyTo.parse(Json.text(body, "apply-to", Policy.ApplyTo.ALL.wireName())),
                    Json.integer(body, "priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE),
                    Json.arguments(body, "definition"));
        } catch (BrokerException refused) {
            throw ApiError.from(refused);
        }
    }

    static ObjectNode json(VirtualHost vhost, Policy policy) {
        ObjectNode node = Json.object()
                .put("vhost", vhost.name())
                .put("name", policy.name())
                .put("pattern", policy.pattern())
                .put("apply-to", policy.applyTo().wireName())
                .put("priority", policy.priority());
        node.set("definition", Json.table(policy.definition()));
        return node;
    }
}
