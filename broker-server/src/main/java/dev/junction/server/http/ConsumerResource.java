package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.server.amqp.ChannelSnapshot;
import dev.junction.server.amqp.ConnectionSnapshot;
import dev.junction.server.amqp.ConsumerSnapshot;
import dev.junction.server.http.ConnectionDirectory.OpenConnection;
import io.netty.handler.codec.http.HttpMethod;

import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/consumers[/vhost]}: the AMQP consumers of every open channel, with RabbitMQ's field names, read on
 * each connection's event loop. A consumer appears once the queue has accepted it (consume-ok is on its way).
 */
final class ConsumerResource implements ApiResource {
    private final ConnectionDirectory connections;

    ConsumerResource(ConnectionDirectory connections) {
        this.connections = connections;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        request.requireMethod(HttpMethod.GET);
        String vhost = switch (request.length()) {
            case 1 -> null;
            case 2 -> request.segment(1);
            default -> throw request.unknownPath();
        };
        return ChannelResource.snapshots(connections.list()).thenApply(snapshots -> {
            ArrayNode list = Json.array();
            snapshots.forEach((connection, owner) -> {
                if (vhost == null || vhost.equals(owner.vhost())) {
                    for (ChannelSnapshot channel : owner.channels()) {
                        channel.consumers().forEach(consumer -> list.add(json(connection, owner, channel, consumer)));
                    }
                }
            });
            return ApiResponse.json(list);
        });
    }

    private static ObjectNode json(OpenConnection connection, ConnectionSnapshot owner, ChannelSnapshot channel,
                                   ConsumerSnapshot consumer) {
        ObjectNode node = Json.object()
                .put("consumer_tag", consumer.tag())
                .put("ack_required", consumer.ackRequired())
                .put("exclusive", consumer.exclusive())
                .put("prefetch_count", consumer.prefetchCount())
                .put("active", true)
                .put("activity_status", "up");
        node.set("arguments", Json.table(consumer.arguments()));
        node.putObject("queue")
                .put("name", consumer.queue())
                .put("vhost", owner.vhost());
        node.putObject("channel_details")
                .put("name", ChannelResource.name(connection, channel))
                .put("number", channel.number())
                .put("connection_name", connection.name())
                .put("peer_host", connection.peer().getAddress().getHostAddress())
                .put("peer_port", connection.peer().getPort())
                .put("user", owner.user());
        return node;
    }
}
