package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /api/consumers} as RabbitMQ has it, with consumers made by the RabbitMQ client. */
class ConsumersApiTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    @Test
    void listsEveryConsumerWithItsChannelQueueAndOptions() throws Exception {
        Connection connection = broker.amqp();
        Channel channel = connection.createChannel();
        channel.queueDeclare("orders", false, false, false, null);
        channel.queueDeclare("audit", false, false, false, null);
        channel.basicQos(11);
        channel.basicConsume("orders", false, "orders-worker", false, true, Map.of("x-priority", 5),
                (tag, delivery) -> { }, tag -> { });
        Channel second = connection.createChannel();
        second.basicConsume("audit", true, "auditor", (tag, delivery) -> { }, tag -> { });

        JsonNode consumers = broker.get("/api/consumers");
        assertEquals(2, consumers.size(), consumers.toString());
        JsonNode worker = consumerTagged(consumers, "orders-worker");
        assertEquals("orders", worker.path("queue").path("name").asText());
        assertEquals("/", worker.path("queue").path("vhost").asText());
        assertTrue(worker.path("ack_required").asBoolean());
        assertTrue(worker.path("exclusive").asBoolean());
        assertEquals(11, worker.path("prefetch_count").asInt());
        assertEquals(5, worker.path("arguments").path("x-priority").asInt());
        assertTrue(worker.path("active").asBoolean());
        JsonNode details = worker.path("channel_details");
        assertEquals(1, details.path("number").asInt());
        assertEquals("guest", details.path("user").asText());
        assertEquals(details.path("connection_name").asText() + " (1)", details.path("name").asText());
        assertEquals("127.0.0.1", details.path("peer_host").asText());
        assertTrue(details.path("peer_port").asInt() > 0);

        JsonNode auditor = consumerTagged(consumers, "auditor");
        assertFalse(auditor.path("ack_required").asBoolean());
        assertFalse(auditor.path("exclusive").asBoolean());
        assertEquals(2, auditor.path("channel_details").path("number").asInt());
        assertTrue(auditor.path("arguments").isObject());
        assertTrue(auditor.path("arguments").isEmpty());

        channel.basicCancel("orders-worker");
        JsonNode left = broker.get("/api/consumers/%2F");
        assertEquals(1, left.size(), left.toString());
        assertEquals("auditor", left.get(0).path("consumer_tag").asText());
        assertEquals(0, broker.get("/api/consumers/elsewhere").size());
    }

    private static JsonNode consumerTagged(JsonNode consumers, String tag) {
        for (JsonNode consumer : consumers) {
            if (consumer.path("consumer_tag").asText().equals(tag)) {
                return consumer;
            }
        }
        throw new AssertionError("no consumer '" + tag + "' in " + consumers);
    }
}
