package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.Broker;
import dev.junction.core.exchange.Binding;
import dev.junction.core.exchange.Destination;
import dev.junction.core.exchange.Exchange;
import dev.junction.core.queue.Queue;
import dev.junction.core.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/bindings[/vhost]} lists bindings; {@code /api/bindings/vhost/e/source/q|e/destination} lists those
 * between two objects (GET) or adds one (POST {@code {"routing_key":..,"arguments":..}}); a further
 * {@code /properties_key} segment names one binding to show or DELETE.
 */
final class BindingResource implements ApiResource {
    private final Broker broker;

    BindingResource(Broker broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() <= 2) {
            request.requireMethod(HttpMethod.GET);
            ArrayNode list = Json.array();
            for (VirtualHost vhost : Lookup.vhosts(broker, request, 1)) {
                vhost.queues().forEach(queue -> list.add(TopologyJson.defaultBinding(vhost, queue)));
                for (Exchange exchange : vhost.exchanges()) {
                    exchange.bindings().forEach(binding -> list.add(TopologyJson.binding(vhost, binding)));
                }
            }
            return ApiResponse.ok(list);
        }
        if ((request.length() != 6 && request.length() != 7) || !request.segment(2).equals("e")) {
            throw request.unknownPath();
        }
        VirtualHost vhost = Lookup.vhost(broker, request.segment(1));
        Exchange source = Lookup.exchange(vhost, request.segment(3));
        Destination destination = switch (request.segment(4)) {
            case "q" -> Lookup.queue(vhost, request.segment(5));
            case "e" -> Lookup.exchange(vhost, request.segment(5));
            default -> throw request.unknownPath();
        };
        List<Binding> between = source.bindings().stream().filter(b -> b.destination() == destination).toList();
        if (request.length() == 6) {
            if (request.method().equals(HttpMethod.POST)) {
                return add(vhost, source, destination, Json.parseObject(request.body()));
            }
            request.requireMethod(HttpMethod.GET);
            ArrayNode list = Json.array();
            between.forEach(binding -> list.add(TopologyJson.binding(vhost, binding)));
            return ApiResponse.ok(list);
        }
        Binding binding = between.stream()
                .filter(b -> TopologyJson.propertiesKey(b.routingKey(), b.arguments()).equals(request.segment(6)))
                .findFirst()
                .orElseThrow(() -> ApiError.notFound("no binding '" + request.segment(6) + "' from exchange '"
                        + source.name() + "' to '" + destination.name() + "' in vhost '" + vhost.name() + "'"));
        if (request.method().equals(HttpMethod.DELETE)) {
            remove(vhost, binding);
            return ApiResponse.noContent();
        }
        request.requireMethod(HttpMethod.GET);
        return ApiResponse.ok(TopologyJson.binding(vhost, binding));
    }

    private static CompletableFuture<ApiResponse> add(VirtualHost vhost, Exchange source, Destination destination,
                                                      ObjectNode body) {
        String routingKey = Json.text(body, "routing_key", "");
        Map<String, Object> arguments = Json.arguments(body, "arguments");
        if (destination instanceof Queue queue) {
            vhost.bindQueue(source.name(), queue.name(), routingKey, arguments, queue.settings().exclusiveOwner());
        } else {
            vhost.bindExchange(source.name(), destination.name(), routingKey, arguments);
        }
        return CompletableFuture.completedFuture(new ApiResponse(HttpResponseStatus.CREATED, null));
    }

    private static void remove(VirtualHost vhost, Binding binding) {
        if (binding.destination() instanceof Queue queue) {
            vhost.unbindQueue(binding.source().name(), queue.name(), binding.routingKey(), binding.arguments(),
                    queue.settings().exclusiveOwner());
        } else {
            vhost.unbindExchange(binding.source().name(), binding.destination().name(), binding.routingKey(),
                    binding.arguments());
        }
    }
}
