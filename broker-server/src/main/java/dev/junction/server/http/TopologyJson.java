package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.exchange.Binding;
import dev.junction.core.exchange.Exchange;
import dev.junction.core.queue.Queue;
import dev.junction.core.vhost.Policy;
import dev.junction.core.vhost.VirtualHost;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;

/** Exchanges, queues and bindings as RabbitMQ's management API shows them, field for field. */
final class TopologyJson {
    private TopologyJson() {
    }

    static ObjectNode exchange(VirtualHost vhost, Exchange exchange) {
        ObjectNode node = Json.object()
                .put("name", exchange.name())
                .put("vhost", vhost.name())
                .put("type", exchange.type().wireName())
                .put("durable", exchange.settings().durable())
                .put("auto_delete", exchange.settings().autoDelete())
                .put("internal", exchange.settings().internal());
        node.set("arguments", Json.table(exchange.settings().arguments()));
        return node;
    }

    /** The fields a definitions export keeps: what it takes to declare the queue again. */
    static ObjectNode queueDefinition(VirtualHost vhost, Queue queue) {
        ObjectNode node = Json.object()
                .put("name", queue.name())
                .put("vhost", vhost.name())
                .put("durable", queue.settings().durable())
                .put("auto_delete", queue.settings().autoDelete());
        node.set("arguments", Json.table(queue.settings().arguments()));
        return node;
    }

    static ObjectNode queue(VirtualHost vhost, Queue queue) {
        // Two volatile reads that the owner shard publishes separately: the sum may be a moment stale, never torn.
        int ready = queue.readyCount();
        int unacked = queue.unsettledCount();
        ObjectNode node = queueDefinition(vhost, queue)
                .put("exclusive", queue.settings().exclusive())
                .put("type", "classic")
                .put("state", "running")
                .put("messages", ready + unacked)
                .put("messages_ready", ready)
                .put("messages_unacknowledged", unacked)
                .put("message_bytes_ram", queue.memoryBytes())
                .put("consumers", queue.consumerCount())
                .put("messages_dropped", queue.droppedCount());
        Policy policy = vhost.policyOf(queue);
        node.put("policy", policy == null ? null : policy.name());
        node.set("effective_policy_definition", Json.table(policy == null ? Map.of() : policy.definition()));
        return node;
    }

    static ObjectNode binding(VirtualHost vhost, Binding binding) {
        ObjectNode node = bindingDefinition(vhost, binding);
        node.put("properties_key", propertiesKey(binding.routingKey(), binding.arguments()));
        return node;
    }

    static ObjectNode bindingDefinition(VirtualHost vhost, Binding binding) {
        ObjectNode node = Json.object()
                .put("source", binding.source().name())
                .put("vhost", vhost.name())
                .put("destination", binding.destination().name())
                .put("destination_type", binding.destination() instanceof Queue ? "queue" : "exchange")
                .put("routing_key", binding.routingKey());
        node.set("arguments", Json.table(binding.arguments()));
        return node;
    }

    /** AMQP's default exchange binds every queue by its name; RabbitMQ lists those bindings too. */
    static ObjectNode defaultBinding(VirtualHost vhost, Queue queue) {
        ObjectNode node = Json.object()
                .put("source", "")
                .put("vhost", vhost.name())
                .put("destination", queue.name())
                .put("destination_type", "queue")
                .put("routing_key", queue.name());
        node.set("arguments", Json.object());
        node.put("properties_key", propertiesKey(queue.name(), Map.of()));
        return node;
    }

    /**
     * The last path segment that names one binding, as in RabbitMQ: {@code ~} for an empty routing key without
     * arguments, the routing key itself, or the routing key, {@code ~} and a digest of the arguments.
     */
    static String propertiesKey(String routingKey, Map<String, Object> arguments) {
        if (arguments.isEmpty()) {
            return routingKey.isEmpty() ? "~" : routingKey;
        }
        return routingKey + "~" + argumentsDigest(arguments);
    }

    private static String argumentsDigest(Map<String, Object> arguments) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Json.canonicalBytes(arguments));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest binding arguments", e);
        }
    }
}
