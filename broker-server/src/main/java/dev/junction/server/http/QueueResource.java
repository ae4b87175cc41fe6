package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.Broker;
import dev.junction.core.exchange.Binding;
import dev.junction.core.exchange.Exchange;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.vhost.VirtualHost;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/queues[/vhost[/name[/contents|/get|/bindings]]]}: list with counts, show, declare (PUT), delete
 * ({@code ?if-empty=true&if-unused=true}), purge ({@code DELETE .../contents}), get messages ({@code POST .../get}).
 * The management API acts for the administrator: it may delete, purge and read exclusive queues too.
 */
final class QueueResource implements ApiResource {
    private final Broker broker;

    QueueResource(Broker broker) {
        this.broker = broker;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        return switch (request.length()) {
            case 1, 2 -> {
                request.requireMethod(HttpMethod.GET);
                yield ApiResponse.list(Lookup.listAcross(broker, request, (vhost, list) ->
                        vhost.queues().forEach(queue -> list.add(new ListItem(queue.name(), vhost.name(),
                                () -> TopologyJson.queue(vhost, queue))))));
            }
            case 3 -> one(request, Lookup.vhost(broker, request.segment(1)), request.segment(2));
            case 4 -> {
                VirtualHost vhost = Lookup.vhost(broker, request.segment(1));
                Queue queue = Lookup.queue(vhost, request.segment(2));
                yield switch (request.segment(3)) {
                    case "contents" -> {
                        request.requireMethod(HttpMethod.DELETE);
                        yield queue.purge().thenApply(purged -> ApiResponse.NO_CONTENT);
                    }
                    case "get" -> {
                        request.requireMethod(HttpMethod.POST);
                        yield QueueReader.read(queue, Json.parseObject(request.body()), request.replyExecutor())
                                .thenApply(ApiResponse::json);
                    }
                    case "bindings" -> {
                        request.requireMethod(HttpMethod.GET);
                        yield ApiResponse.ok(bindingsTo(vhost, queue));
                    }
                    default -> throw request.unknownPath();
                };
            }
            default -> throw request.unknownPath();
        };
    }

    private CompletableFuture<ApiResponse> one(ApiRequest request, VirtualHost vhost, String name) {
        if (request.method().equals(HttpMethod.GET)) {
            return ApiResponse.ok(TopologyJson.queue(vhost, Lookup.queue(vhost, name)));
        }
        if (request.method().equals(HttpMethod.PUT)) {
            ObjectNode body = Json.parseObject(request.body());
            if (Json.flag(body, "exclusive", false)) {
                throw ApiError.badRequest("an exclusive queue belongs to the connection that declares it: "
                        + "declare it over AMQP");
            }
            QueueSettings settings = new QueueSettings(Json.flag(body, "durable", true), null,
                    Json.flag(body, "auto_delete", false), Json.arguments(body, "arguments"));
            boolean existed = vhost.queue(name) != null;
            vhost.declareQueue(name, settings);
            return ApiResponse.declared(!existed);
        }
        if (request.method().equals(HttpMethod.DELETE)) {
            Queue queue = Lookup.queue(vhost, name);
            return vhost.deleteQueue(name, queue.settings().exclusiveOwner(), request.queryFlag("if-unused"),
                    request.queryFlag("if-empty")).thenApply(dropped -> ApiResponse.NO_CONTENT);
        }
        throw request.methodNotAllowed();
    }

    private static ArrayNode bindingsTo(VirtualHost vhost, Queue queue) {
        ArrayNode list = Json.array();
        list.add(TopologyJson.defaultBinding(vhost, queue));
        for (Exchange source : vhost.exchanges()) {
            for (Binding binding : source.bindings()) {
                if (binding.destination() == queue) {
                    list.add(TopologyJson.binding(vhost, binding));
                }
            }
        }
        return list;
    }
}
