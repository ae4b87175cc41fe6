package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.topic.TopicSyntax;
import dev.junction.mqtt.codec.MqttUtf8;
import dev.junction.server.mqtt.MqttBroker;
import dev.junction.server.mqtt.MqttSessionSnapshot;
import dev.junction.server.mqtt.RetainedMessage;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/mqtt/sessions[/client_id]} (GET, DELETE drops a session and disconnects its client) and
 * {@code /api/mqtt/retained[/topic]} (GET with {@code ?topic=filter}, GET one with its payload, DELETE one). Topic
 * names travel percent-encoded in one path segment, {@code /} as {@code %2F}.
 */
final class MqttResource implements ApiResource {
    private final MqttBroker mqtt;

    MqttResource(MqttBroker mqtt) {
        this.mqtt = mqtt;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() < 2 || request.length() > 3) {
            throw request.unknownPath();
        }
        return switch (request.segment(1)) {
            case "sessions" -> request.length() == 2 ? sessions(request) : session(request, request.segment(2));
            case "retained" -> request.length() == 2 ? retainedList(request) : retained(request, request.segment(2));
            default -> throw request.unknownPath();
        };
    }

    private CompletableFuture<ApiResponse> sessions(ApiRequest request) {
        request.requireMethod(HttpMethod.GET);
        return mqtt.sessionSnapshots().thenApply(sessions -> {
            ArrayNode list = Json.array();
            sessions.forEach(session -> list.add(json(session)));
            return ApiResponse.json(list);
        });
    }

    private CompletableFuture<ApiResponse> session(ApiRequest request, String clientId) {
        if (request.method().equals(HttpMethod.DELETE)) {
            if (!mqtt.dropSession(clientId)) {
                throw noSession(clientId);
            }
            return ApiResponse.noContent();
        }
        request.requireMethod(HttpMethod.GET);
        return mqtt.sessionSnapshots().thenApply(sessions -> ApiResponse.json(json(sessions.stream()
                .filter(session -> session.clientId().equals(clientId)).findFirst()
                .orElseThrow(() -> noSession(clientId)))));
    }

    private static ApiError noSession(String clientId) {
        return ApiError.notFound("no MQTT session of client '" + clientId + "'");
    }

    private static ObjectNode json(MqttSessionSnapshot session) {
        ObjectNode node = Json.object()
                .put("client_id", session.clientId())
                .put("clean_session", session.cleanSession())
                .put("connected", session.connected());
        ArrayNode subscriptions = node.putArray("subscriptions");
        session.subscriptions().forEach((filter, qos) -> subscriptions.addObject().put("topic", filter).put("qos", qos));
        return node.put("messages_queued", session.queued())
                .put("messages_in_flight", session.inFlight())
                .put("queue", session.queueName())
                .put("vhost", session.vhost())
                .put("user", session.user())
                .put("last_connected", session.lastConnected() == null ? null : session.lastConnected().toString());
    }

    private CompletableFuture<ApiResponse> retainedList(ApiRequest request) {
        request.requireMethod(HttpMethod.GET);
        List<String> filters = request.query().get("topic");
        String filter = filters == null || filters.isEmpty() ? "#" : filters.get(0);
        if (!TopicSyntax.MQTT.isValidFilter(filter) || !MqttUtf8.isEncodable(filter)) {
            throw ApiError.badRequest("'" + filter + "' is no valid MQTT topic filter");
        }
        ArrayNode list = Json.array();
        mqtt.retainedMessages(filter).forEach(message -> list.addObject()
                .put("topic", message.topic())
                .put("qos", message.qos())
                .put("payload_bytes", message.payloadBytes()));
        return ApiResponse.ok(list);
    }

    private CompletableFuture<ApiResponse> retained(ApiRequest request, String topic) {
        if (!TopicSyntax.MQTT.isValidTopicName(topic) || !MqttUtf8.isEncodable(topic)) {
            throw ApiError.badRequest("'" + topic + "' is no valid MQTT topic name");
        }
        if (request.method().equals(HttpMethod.DELETE)) {
            if (!mqtt.deleteRetained(topic)) {
                throw noRetained(topic);
            }
            return ApiResponse.noContent();
        }
        request.requireMethod(HttpMethod.GET);
        RetainedMessage message = mqtt.retainedMessage(topic).orElseThrow(() -> noRetained(topic));
        ObjectNode node = Json.object()
                .put("topic", message.topic())
                .put("qos", message.qos())
                .put("payload_bytes", message.payloadBytes());
        Payloads.put(node, message.payload(), request.query().containsKey("encoding")
                && request.query().get("encoding").contains("base64"));
        return ApiResponse.ok(node);
    }

    private static ApiError noRetained(String topic) {
        return ApiError.notFound("no retained message on topic '" + topic + "'");
    }
}
