package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static dev.junction.server.http.ManagementFixture.named;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /api/policies} over real HTTP, its effect seen by a RabbitMQ client, and policies in the definitions. */
class PolicyApiTest {
    private static final String BOUNDED = "{\"pattern\":\"^orders\",\"apply-to\":\"queues\",\"priority\":1,"
            + "\"definition\":{\"max-length\":2,\"dead-letter-exchange\":\"amq.fanout\"}}";

    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    private static void publish(Channel channel, String queue, String body) throws Exception {
        channel.basicPublish("", queue, new AMQP.BasicProperties(), body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(GetResponse response) {
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    @Test
    void aPolicyLimitsAQueueDeclaredBeforeItAndDeadLettersWhatItDrops() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("orders", false, false, false, null);
        channel.queueDeclare("dead", false, false, false, null);
        channel.queueBind("dead", "amq.fanout", "");
        assertEquals(201, broker.send("PUT", "/api/policies/%2F/bounded", BOUNDED).statusCode());

        JsonNode queue = broker.get("/api/queues/%2F/orders");
        assertEquals("bounded", queue.path("policy").asText());
        assertEquals(2, queue.path("effective_policy_definition").path("max-length").asInt());
        assertTrue(broker.get("/api/queues/%2F/dead").path("policy").isNull());

        for (String body : new String[] {"m1", "m2", "m3"}) {
            publish(channel, "orders", body);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> channel.messageCount("dead") == 1);
        assertEquals("m1", text(channel.basicGet("dead", true)), "drop-head dead-letters the oldest");
        assertEquals(2, channel.messageCount("orders"));

        assertEquals(204, broker.send("DELETE", "/api/policies/%2F/bounded", null).statusCode());
        publish(channel, "orders", "m4");
        await().atMost(Duration.ofSeconds(30)).until(() -> channel.messageCount("orders") == 3);
        assertTrue(broker.get("/api/queues/%2F/orders").path("policy").isNull());
        assertEquals(404, broker.send("DELETE", "/api/policies/%2F/bounded", null).statusCode());
    }

    @Test
    void aQueueDeclaredLaterTakesThePolicyButItsOwnArgumentsWin() throws Exception {
        assertEquals(201, broker.send("PUT", "/api/policies/%2F/reject",
                "{\"pattern\":\"^orders\",\"definition\":{\"max-length\":1,\"overflow\":\"reject-publish\"}}")
                .statusCode());
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("orders.two", false, false, false, Map.of("x-max-length", 2));
        channel.confirmSelect();
        publish(channel, "orders.two", "a");
        publish(channel, "orders.two", "b");
        assertTrue(channel.waitForConfirms(10_000));
        publish(channel, "orders.two", "c");
        assertFalse(channel.waitForConfirms(10_000), "the third is refused: the queue's x-max-length 2 "
                + "with the policy's reject-publish");
        assertEquals(2, channel.messageCount("orders.two"));
        JsonNode policy = broker.get("/api/policies/%2F/reject");
        assertEquals("all", policy.path("apply-to").asText());
        assertEquals(0, policy.path("priority").asInt());
    }

    @Test
    void whatThePoliciesCannotDoYetIsRefusedByName() throws Exception {
        var ttl = broker.send("PUT", "/api/policies/%2F/ttl",
                "{\"pattern\":\".*\",\"definition\":{\"message-ttl\":1000}}");
        assertEquals(400, ttl.statusCode());
        assertTrue(ttl.body().contains("message-ttl"), ttl.body());
        var exchanges = broker.send("PUT", "/api/policies/%2F/ex",
                "{\"pattern\":\".*\",\"apply-to\":\"exchanges\",\"definition\":{\"max-length\":1}}");
        assertEquals(400, exchanges.statusCode());
        assertTrue(exchanges.body().contains("exchanges"), exchanges.body());
        assertEquals(400, broker.send("PUT", "/api/policies/%2F/bad",
                "{\"pattern\":\"(\",\"definition\":{\"max-length\":1}}").statusCode());
        assertEquals(404, broker.send("PUT", "/api/policies/nowhere/p", BOUNDED).statusCode());
        assertEquals(0, broker.get("/api/policies").size());

        assertEquals(201, broker.send("PUT", "/api/users/watcher",
                "{\"password\":\"watcher\",\"tags\":\"monitoring\"}").statusCode());
        assertEquals(401, broker.send("GET", "/api/policies", null, "watcher", "watcher").statusCode());
    }

    @Test
    void policiesTravelWithTheDefinitionsAndSurviveARestart() throws Exception {
        assertEquals(201, broker.send("PUT", "/api/policies/%2F/bounded", BOUNDED).statusCode());
        String exported = broker.send("GET", "/api/definitions", null).body();
        JsonNode policy = named(ManagementFixture.JSON.readTree(exported).path("policies"), "bounded");
        assertNotNull(policy, exported);
        assertEquals("/", policy.path("vhost").asText());
        assertEquals("^orders", policy.path("pattern").asText());

        assertEquals(204, broker.send("DELETE", "/api/policies/%2F/bounded", null).statusCode());
        assertEquals(204, broker.send("POST", "/api/definitions", exported).statusCode());
        assertEquals(2, broker.get("/api/policies/%2F/bounded").path("definition").path("max-length").asInt());

        broker.restart();
        assertEquals(1, broker.get("/api/policies/%2F").size());
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("orders.after", false, false, false, null);
        assertEquals("bounded", broker.get("/api/queues/%2F/orders.after").path("policy").asText());
        assertNull(named(broker.get("/api/policies"), "missing"));
    }
}
