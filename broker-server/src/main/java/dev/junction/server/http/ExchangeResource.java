package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.Broker;
import dev.junction.core.exchange.Binding;
import dev.junction.core.exchange.Exchange;
import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/exchanges[/vhost[/name[/bindings/source|destination]]]}: list, show, declare (PUT), delete
 * ({@code ?if-unused=true}).
 */
final class ExchangeResource implements ApiResource {
    private final Broker broker;

    ExchangeResource(Broker broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        return switch (request.length()) {
            case 1, 2 -> {
                request.requireMethod(HttpMethod.GET);
                yield ApiResponse.list(Lookup.listAcross(broker, request, (vhost, list) ->
                        vhost.exchanges().forEach(exchange -> list.add(new ListItem(exchange.name(),
                                vhost.name(), () -> TopologyJson.exchange(vhost, exchange))))));
            }
            case 3 -> one(request, Lookup.vhost(broker, request.segment(1)), request.segment(2));
            case 5 -> {
                request.requireMethod(HttpMethod.GET);
                VirtualHost vhost = Lookup.vhost(broker, request.segment(1));
                Exchange exchange = Lookup.exchange(vhost, request.segment(2));
                if (!request.segment(3).equals("bindings")) {
                    throw request.unknownPath();
                }
                yield switch (request.segment(4)) {
                    case "source" -> ApiResponse.ok(bindingsFrom(vhost, exchange));
                    case "destination" -> ApiResponse.ok(bindingsTo(vhost, exchange));
                    default -> throw request.unknownPath();
                };
            }
            default -> throw request.unknownPath();
        };
    }

    private CompletableFuture<ApiResponse> one(ApiRequest request, VirtualHost vhost, String name) {
        if (request.method().equals(HttpMethod.GET)) {
            return ApiResponse.ok(TopologyJson.exchange(vhost, Lookup.exchange(vhost, name)));
        }
        if (request.method().equals(HttpMethod.PUT)) {
            ObjectNode body = Json.parseObject(request.body());
            String typeName = Json.text(body, "type", null);
            if (typeName == null) {
                throw ApiError.badRequest("'type' is required: direct, fanout, topic or headers");
            }
            ExchangeType type = ExchangeType.fromWireName(typeName);
            if (type == null) {
                throw ApiError.badRequest("unknown exchange type '" + typeName
                        + "': expected direct, fanout, topic or headers");
            }
            ExchangeSettings settings = new ExchangeSettings(Json.flag(body, "durable", true),
                    Json.flag(body, "auto_delete", false), Json.flag(body, "internal", false),
                    Json.arguments(body, "arguments"));
            boolean existed = vhost.exchange(name) != null;
            vhost.declareExchange(name, type, settings);
            return ApiResponse.declared(!existed);
        }
        if (request.method().equals(HttpMethod.DELETE)) {
            Lookup.exchange(vhost, name);
            vhost.deleteExchange(name, request.queryFlag("if-unused"));
            return ApiResponse.noContent();
        }
        throw request.methodNotAllowed();
    }

    private static ArrayNode bindingsFrom(VirtualHost vhost, Exchange exchange) {
        ArrayNode list = Json.array();
        exchange.bindings().forEach(binding -> list.add(TopologyJson.binding(vhost, binding)));
        return list;
    }

    private static ArrayNode bindingsTo(VirtualHost vhost, Exchange destination) {
        ArrayNode list = Json.array();
        for (Exchange source : vhost.exchanges()) {
            for (Binding binding : source.bindings()) {
                if (binding.destination() == destination) {
                    list.add(TopologyJson.binding(vhost, binding));
                }
            }
        }
        return list;
    }
}
