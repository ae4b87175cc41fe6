package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.server.amqp.ChannelSnapshot;
import dev.junction.server.amqp.ConnectionSnapshot;
import dev.junction.server.http.ConnectionDirectory.OpenConnection;
import dev.junction.server.net.Protocol;
import io.netty.handler.codec.http.HttpMethod;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/channels[/name]} and {@code /api/connections/name/channels}: open AMQP channels, named as RabbitMQ
 * names them ({@code "<connection name> (<number>)"}), each read on its connection's event loop.
 */
final class ChannelResource implements ApiResource {
    private final ConnectionDirectory connections;

    ChannelResource(ConnectionDirectory connections) {
        this.connections = connections;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        request.requireMethod(HttpMethod.GET);
        return switch (request.length()) {
            case 1 -> channelsOf(connections.list()).thenApply(ApiResponse::json);
            case 2 -> channelsOf(connections.list()).thenApply(all -> {
                for (var channel : all) {
                    if (channel.path("name").asText().equals(request.segment(1))) {
                        return ApiResponse.json(channel);
                    }
                }
                throw ApiError.notFound("no channel '" + request.segment(1) + "'");
            });
            default -> throw request.unknownPath();
        };
    }

    /** {@code GET /api/connections/name/channels}. */
    static CompletableFuture<ApiResponse> ofConnection(ApiRequest request, OpenConnection connection) {
        request.requireMethod(HttpMethod.GET);
        return channelsOf(List.of(connection)).thenApply(ApiResponse::json);
    }

    private static CompletableFuture<ArrayNode> channelsOf(List<OpenConnection> open) {
        return snapshots(open).thenApply(snapshots -> {
            ArrayNode list = Json.array();
            snapshots.forEach((connection, snapshot) -> {
                for (ChannelSnapshot channel : snapshot.channels()) {
                    list.add(json(connection, snapshot, channel));
                }
            });
            return list;
        });
    }

    /** The AMQP connections among {@code open} (TLS included), each read on its own event loop, in list order. */
    static CompletableFuture<Map<OpenConnection, ConnectionSnapshot>> snapshots(List<OpenConnection> open) {
        List<OpenConnection> amqp = open.stream()
                .filter(c -> c.protocol() == Protocol.AMQP || c.protocol() == Protocol.AMQP_TLS).toList();
        List<CompletableFuture<ConnectionSnapshot>> snapshots = new ArrayList<>();
        amqp.forEach(connection -> snapshots.add(ConnectionSnapshot.of(connection.channel())));
        return CompletableFuture.allOf(snapshots.toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<OpenConnection, ConnectionSnapshot> byConnection = new LinkedHashMap<>();
            for (int i = 0; i < amqp.size(); i++) {
                byConnection.put(amqp.get(i), snapshots.get(i).join());
            }
            return byConnection;
        });
    }

    static String name(OpenConnection connection, ChannelSnapshot channel) {
        return connection.name() + " (" + channel.number() + ")";
    }

    private static ObjectNode json(OpenConnection connection, ConnectionSnapshot owner, ChannelSnapshot channel) {
        ObjectNode node = Json.object()
                .put("name", name(connection, channel))
                .put("number", channel.number());
        node.putObject("connection_details")
                .put("name", connection.name())
                .put("peer_host", connection.peer().getAddress().getHostAddress())
                .put("peer_port", connection.peer().getPort());
        return node.put("user", owner.user())
                .put("vhost", owner.vhost())
                .put("prefetch_count", channel.prefetchCount())
                .put("global_prefetch_count", channel.globalPrefetchCount())
                .put("consumer_count", channel.consumerCount())
                .put("messages_unacknowledged", channel.messagesUnacknowledged())
                .put("confirm", channel.confirm())
                .put("transactional", channel.transactional())
                .put("state", channel.state());
    }
}
