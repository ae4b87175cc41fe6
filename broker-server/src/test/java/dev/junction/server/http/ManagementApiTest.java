package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.http.ManagementFixture.json;
import static dev.junction.server.http.ManagementFixture.named;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON API over real HTTP against a whole broker, with objects made by the RabbitMQ Java client and Paho. */
class ManagementApiTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    // ---- authentication and errors ----

    @Test
    void missingOrWrongCredentialsAre401WithAChallenge() throws Exception {
        for (HttpResponse<String> refused : new HttpResponse[] {
                broker.send("GET", "/api/overview", null, null, null),
                broker.send("GET", "/api/overview", null, "guest", "wrong"),
                broker.send("GET", "/api/overview", null, "nobody", "guest")}) {
            assertEquals(401, refused.statusCode());
            assertEquals("Basic realm=\"Junction Management\"",
                    refused.headers().firstValue("WWW-Authenticate").orElseThrow());
            assertEquals("not_authorized", json(refused).path("error").asText());
        }
    }

    @Test
    void unknownPathsWrongMethodsAndBadJsonAreJsonErrors() throws Exception {
        HttpResponse<String> unknown = broker.send("GET", "/api/nonsense", null);
        assertEquals(404, unknown.statusCode());
        assertEquals("Object Not Found", json(unknown).path("error").asText());

        HttpResponse<String> wrongMethod = broker.send("POST", "/api/overview", "{}");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("method_not_allowed", json(wrongMethod).path("error").asText());

        HttpResponse<String> badJson = broker.send("PUT", "/api/queues/%2F/q", "{\"durable\": tru");
        assertEquals(400, badJson.statusCode());
        assertEquals("bad_request", json(badJson).path("error").asText());
        assertTrue(json(badJson).path("reason").asText().startsWith("body is not valid JSON"));

        HttpResponse<String> notAnObject = broker.send("PUT", "/api/queues/%2F/q", "[1]");
        assertEquals(400, notAnObject.statusCode());

        HttpResponse<String> badFlag = broker.send("PUT", "/api/queues/%2F/q", "{\"durable\": 3}");
        assertEquals("'durable' must be true or false", json(badFlag).path("reason").asText());
    }

    @Test
    void unknownVhostIs404() throws Exception {
        for (String path : new String[] {"/api/queues/nowhere", "/api/exchanges/nowhere", "/api/vhosts/nowhere",
                "/api/queues/nowhere/q", "/api/bindings/nowhere"}) {
            HttpResponse<String> response = broker.send("GET", path, null);
            assertEquals(404, response.statusCode(), path);
            assertEquals("no vhost 'nowhere'", json(response).path("reason").asText(), path);
        }
        assertEquals(404, broker.send("PUT", "/api/queues/nowhere/q", "{}").statusCode());
    }

    // ---- overview, vhosts, users ----

    @Test
    void overviewCountsObjectsAndMessages() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("counted", false, false, false, null);
        channel.basicPublish("", "counted", null, "one".getBytes(StandardCharsets.UTF_8));
        channel.basicPublish("", "counted", null, "two".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/overview").path("queue_totals").path("messages_ready").asInt() == 2);
        JsonNode overview = broker.get("/api/overview");
        assertEquals("Junction", overview.path("product_name").asText());
        assertEquals(1, overview.path("object_totals").path("queues").asInt());
        assertEquals(1, overview.path("object_totals").path("connections").asInt());
        assertEquals(2, overview.path("queue_totals").path("messages").asInt());
        assertTrue(overview.path("object_totals").path("exchanges").asInt() >= 6, "the built-in exchanges");
        JsonNode amqpListener = null;
        for (JsonNode listener : overview.path("listeners")) {
            if (listener.path("protocol").asText().equals("amqp")) {
                amqpListener = listener;
            }
        }
        assertNotNull(amqpListener);
        assertEquals(broker.port(Protocol.AMQP), amqpListener.path("port").asInt());
    }

    @Test
    void vhostsAreListedAndCreated() throws Exception {
        assertNotNull(named(broker.get("/api/vhosts"), "/"));
        assertEquals(201, broker.send("PUT", "/api/vhosts/staging", null).statusCode());
        assertEquals(204, broker.send("PUT", "/api/vhosts/staging", null).statusCode());
        assertEquals("staging", broker.get("/api/vhosts/staging").path("name").asText());
        JsonNode exchanges = broker.get("/api/exchanges/staging");
        assertNotNull(named(exchanges, "amq.topic"));
        assertEquals(6, exchanges.size(), "the built-in exchanges");
    }

    @Test
    void usersAndWhoami() throws Exception {
        JsonNode users = broker.get("/api/users");
        assertEquals("administrator", named(users, "guest").path("tags").get(0).asText());
        assertEquals("guest", broker.get("/api/whoami").path("name").asText());
        assertEquals(404, broker.send("GET", "/api/users/nobody", null).statusCode());
    }

    // ---- exchanges ----

    @Test
    void exchangesAreDeclaredShownAndDeleted() throws Exception {
        String body = "{\"type\":\"topic\",\"durable\":false,\"auto_delete\":false,\"internal\":false,"
                + "\"arguments\":{\"alternate-exchange\":\"amq.fanout\"}}";
        assertEquals(201, broker.send("PUT", "/api/exchanges/%2F/events", body).statusCode());
        assertEquals(204, broker.send("PUT", "/api/exchanges/%2F/events", body).statusCode());

        JsonNode events = broker.get("/api/exchanges/%2F/events");
        assertEquals("topic", events.path("type").asText());
        assertFalse(events.path("durable").asBoolean());
        assertEquals("amq.fanout", events.path("arguments").path("alternate-exchange").asText());
        assertEquals("/", events.path("vhost").asText());
        assertNotNull(named(broker.get("/api/exchanges"), "events"));

        // The AMQP client sees the same exchange: a passive declare succeeds.
        Channel channel = broker.amqp().createChannel();
        channel.exchangeDeclarePassive("events");

        HttpResponse<String> inequivalent = broker.send("PUT", "/api/exchanges/%2F/events", "{\"type\":\"direct\"}");
        assertEquals(400, inequivalent.statusCode());
        assertTrue(json(inequivalent).path("reason").asText().startsWith("inequivalent arg 'type'"));

        HttpResponse<String> reserved = broker.send("PUT", "/api/exchanges/%2F/amq.mine", "{\"type\":\"direct\"}");
        assertEquals(403, reserved.statusCode());
        assertEquals(400, broker.send("PUT", "/api/exchanges/%2F/x", "{\"type\":\"spiral\"}").statusCode());
        assertEquals(400, broker.send("PUT", "/api/exchanges/%2F/x", "{}").statusCode());

        assertEquals(204, broker.send("DELETE", "/api/exchanges/%2F/events", null).statusCode());
        assertEquals(404, broker.send("GET", "/api/exchanges/%2F/events", null).statusCode());
        assertEquals(404, broker.send("DELETE", "/api/exchanges/%2F/events", null).statusCode());
    }

    @Test
    void defaultExchangeIsNamedAmqDefaultInPaths() throws Exception {
        JsonNode defaultExchange = broker.get("/api/exchanges/%2F/amq.default");
        assertEquals("", defaultExchange.path("name").asText());
        assertEquals("direct", defaultExchange.path("type").asText());
    }

    @Test
    void deleteIfUnusedRefusesAnExchangeWithBindings() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.exchangeDeclare("busy", "direct");
        channel.queueDeclare("bound", false, false, false, null);
        channel.queueBind("bound", "busy", "k");
        HttpResponse<String> refused = broker.send("DELETE", "/api/exchanges/%2F/busy?if-unused=true", null);
        assertEquals(400, refused.statusCode());
        assertNotNull(broker.get("/api/exchanges/%2F/busy"));
    }

    // ---- queues ----

    @Test
    void queueCountsFollowPublishesAndConsumers() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("work", true, false, false, Map.of("x-max-length", 100));
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", "work", null, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        channel.basicQos(1);
        channel.basicConsume("work", false, (tag, delivery) -> { }, tag -> { });
        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            JsonNode work = broker.get("/api/queues/%2F/work");
            return work.path("messages_unacknowledged").asInt() == 1 && work.path("messages_ready").asInt() == 2;
        });
        JsonNode work = broker.get("/api/queues/%2F/work");
        assertEquals(3, work.path("messages").asInt());
        assertEquals(1, work.path("consumers").asInt());
        assertTrue(work.path("durable").asBoolean());
        assertFalse(work.path("auto_delete").asBoolean());
        assertFalse(work.path("exclusive").asBoolean());
        assertEquals(100, work.path("arguments").path("x-max-length").asInt());
        assertEquals("/", work.path("vhost").asText());
        assertNotNull(named(broker.get("/api/queues"), "work"));
        assertNotNull(named(broker.get("/api/queues/%2F"), "work"));
    }

    @Test
    void exclusiveQueuesShowAsExclusive() throws Exception {
        Channel channel = broker.amqp().createChannel();
        String name = channel.queueDeclare().getQueue();
        assertTrue(named(broker.get("/api/queues/%2F"), name).path("exclusive").asBoolean());
        HttpResponse<String> refused = broker.send("PUT", "/api/queues/%2F/mine", "{\"exclusive\":true}");
        assertEquals(400, refused.statusCode());

        // The administrator may still purge and delete a queue that some connection owns.
        channel.basicPublish("", name, null, "x".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/queues/%2F/" + name).path("messages").asInt() == 1);
        assertEquals(204, broker.send("DELETE", "/api/queues/%2F/" + name + "/contents", null).statusCode());
        assertEquals(0, broker.get("/api/queues/%2F/" + name).path("messages").asInt());
        assertEquals(204, broker.send("DELETE", "/api/queues/%2F/" + name, null).statusCode());
        assertNull(named(broker.get("/api/queues/%2F"), name));
    }

    @Test
    void queuesAreDeclaredPurgedAndDeleted() throws Exception {
        assertEquals(201, broker.send("PUT", "/api/queues/%2F/jobs",
                "{\"durable\":true,\"auto_delete\":false,\"arguments\":{\"x-message-ttl\":60000}}").statusCode());
        assertEquals(204, broker.send("PUT", "/api/queues/%2F/jobs",
                "{\"durable\":true,\"arguments\":{\"x-message-ttl\":60000}}").statusCode());
        HttpResponse<String> inequivalent = broker.send("PUT", "/api/queues/%2F/jobs", "{\"durable\":false}");
        assertEquals(400, inequivalent.statusCode());

        Channel channel = broker.amqp().createChannel();
        assertEquals(0, channel.queueDeclarePassive("jobs").getMessageCount());
        channel.basicPublish("", "jobs", null, "a".getBytes(StandardCharsets.UTF_8));
        channel.basicPublish("", "jobs", null, "b".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/queues/%2F/jobs").path("messages").asInt() == 2);

        assertEquals(204, broker.send("DELETE", "/api/queues/%2F/jobs/contents", null).statusCode());
        assertEquals(0, broker.get("/api/queues/%2F/jobs").path("messages").asInt());
        assertEquals(0, channel.queueDeclarePassive("jobs").getMessageCount());

        channel.basicPublish("", "jobs", null, "c".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/queues/%2F/jobs").path("messages").asInt() == 1);
        assertEquals(400, broker.send("DELETE", "/api/queues/%2F/jobs?if-empty=true", null).statusCode());
        assertEquals(204, broker.send("DELETE", "/api/queues/%2F/jobs", null).statusCode());
        assertEquals(404, broker.send("GET", "/api/queues/%2F/jobs", null).statusCode());
        IOException gone = assertThrows(IOException.class, () -> channel.queueDeclarePassive("jobs"));
        assertTrue(String.valueOf(gone.getCause()).contains("NOT_FOUND"));
    }

    @Test
    void getMessagesShowsThemAndAcksOrRequeuesByAckmode() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("inbox", false, false, false, null);
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
                .contentType("text/plain").messageId("m-1").headers(Map.of("origin", "test")).build();
        channel.basicPublish("", "inbox", properties, "hello".getBytes(StandardCharsets.UTF_8));
        channel.basicPublish("", "inbox", null, new byte[] {(byte) 0xff, 0x00, 0x01});
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/queues/%2F/inbox").path("messages_ready").asInt() == 2);

        HttpResponse<String> peek = broker.send("POST", "/api/queues/%2F/inbox/get",
                "{\"count\":5,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\",\"truncate\":50000}");
        assertEquals(200, peek.statusCode());
        JsonNode messages = json(peek);
        assertEquals(2, messages.size());
        JsonNode first = messages.get(0);
        assertEquals("hello", first.path("payload").asText());
        assertEquals("string", first.path("payload_encoding").asText());
        assertEquals(5, first.path("payload_bytes").asInt());
        assertEquals("inbox", first.path("routing_key").asText());
        assertEquals("", first.path("exchange").asText());
        assertEquals(1, first.path("message_count").asInt());
        assertEquals("text/plain", first.path("properties").path("content_type").asText());
        assertEquals("m-1", first.path("properties").path("message_id").asText());
        assertEquals("test", first.path("properties").path("headers").path("origin").asText());
        assertEquals("base64", messages.get(1).path("payload_encoding").asText());
        assertEquals("/wAB", messages.get(1).path("payload").asText());

        // Requeued: both are still there, now marked redelivered.
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/queues/%2F/inbox").path("messages_ready").asInt() == 2);
        JsonNode again = json(broker.send("POST", "/api/queues/%2F/inbox/get",
                "{\"count\":1,\"ackmode\":\"ack_requeue_false\",\"encoding\":\"base64\"}"));
        assertEquals(1, again.size());
        assertTrue(again.get(0).path("redelivered").asBoolean());
        assertEquals("aGVsbG8=", again.get(0).path("payload").asText());

        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/queues/%2F/inbox").path("messages").asInt() == 1);
        GetResponse left = channel.basicGet("inbox", true);
        assertEquals(3, left.getBody().length);

        HttpResponse<String> noMode = broker.send("POST", "/api/queues/%2F/inbox/get", "{\"count\":1}");
        assertEquals(400, noMode.statusCode());
        assertTrue(json(noMode).path("reason").asText().contains("ackmode"));
        assertEquals(0, json(broker.send("POST", "/api/queues/%2F/inbox/get",
                "{\"count\":3,\"ackmode\":\"reject_requeue_true\"}")).size());
    }

    // ---- bindings ----

    @Test
    void bindingsAreListedAddedAndDeleted() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.exchangeDeclare("orders", "topic");
        channel.queueDeclare("eu-orders", false, false, false, null);
        channel.queueBind("eu-orders", "orders", "eu.#");

        JsonNode all = broker.get("/api/bindings/%2F");
        JsonNode euBinding = null;
        for (JsonNode binding : all) {
            if (binding.path("source").asText().equals("orders")) {
                euBinding = binding;
            }
        }
        assertNotNull(euBinding);
        assertEquals("eu-orders", euBinding.path("destination").asText());
        assertEquals("queue", euBinding.path("destination_type").asText());
        assertEquals("eu.#", euBinding.path("routing_key").asText());
        assertEquals("eu.#", euBinding.path("properties_key").asText());
        assertEquals(2, broker.get("/api/queues/%2F/eu-orders/bindings").size(), "default exchange and orders");
        assertEquals(1, broker.get("/api/exchanges/%2F/orders/bindings/source").size());

        assertEquals(201, broker.send("POST", "/api/bindings/%2F/e/orders/q/eu-orders",
                "{\"routing_key\":\"us.#\",\"arguments\":{}}").statusCode());
        assertEquals(2, broker.get("/api/bindings/%2F/e/orders/q/eu-orders").size());
        channel.basicPublish("orders", "us.paid", null, "x".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/queues/%2F/eu-orders").path("messages").asInt() == 1);

        assertEquals(201, broker.send("POST", "/api/bindings/%2F/e/orders/e/amq.fanout",
                "{\"routing_key\":\"audit\",\"arguments\":{\"x-match\":\"all\"}}").statusCode());
        JsonNode toExchange = broker.get("/api/bindings/%2F/e/orders/e/amq.fanout").get(0);
        assertEquals("exchange", toExchange.path("destination_type").asText());
        String propertiesKey = toExchange.path("properties_key").asText();
        assertTrue(propertiesKey.startsWith("audit~"));
        assertEquals(204, broker.send("DELETE", "/api/bindings/%2F/e/orders/e/amq.fanout/" + propertiesKey,
                null).statusCode());
        assertEquals(0, broker.get("/api/bindings/%2F/e/orders/e/amq.fanout").size());

        assertEquals(204, broker.send("DELETE", "/api/bindings/%2F/e/orders/q/eu-orders/us.%23", null)
                .statusCode());
        assertEquals(1, broker.get("/api/bindings/%2F/e/orders/q/eu-orders").size());
        assertEquals(404, broker.send("DELETE", "/api/bindings/%2F/e/orders/q/eu-orders/us.%23", null)
                .statusCode());
        assertEquals(404, broker.send("GET", "/api/bindings/%2F/e/orders/q/missing", null).statusCode());
    }

    // ---- connections ----

    @Test
    void connectionsOfBothProtocolsAreListedAndClosed() throws Exception {
        Connection amqp = broker.amqp();
        MqttClient mqtt = new MqttClient("tcp://127.0.0.1:" + broker.port(Protocol.MQTT), "listed",
                new MemoryPersistence());
        broker.closeAfterwards(mqtt);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setAutomaticReconnect(false);
        mqtt.connect(options);

        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.get("/api/connections").size() == 2);
        JsonNode connections = broker.get("/api/connections");
        JsonNode amqpConnection = null;
        JsonNode mqttConnection = null;
        for (JsonNode connection : connections) {
            if (connection.path("protocol").asText().equals("AMQP 0-9-1")) {
                amqpConnection = connection;
            } else if (connection.path("protocol").asText().equals("MQTT 3.1.1/5.0")) {
                mqttConnection = connection;
            }
        }
        assertNotNull(amqpConnection);
        assertNotNull(mqttConnection);
        assertEquals("0-9-1", amqpConnection.path("protocol_version").asText());
        assertEquals("3.1.1", mqttConnection.path("protocol_version").asText(), "the version the client chose");
        assertEquals(broker.port(Protocol.AMQP), amqpConnection.path("port").asInt());
        String amqpName = amqpConnection.path("name").asText();
        assertEquals("127.0.0.1:" + amqpConnection.path("peer_port").asInt() + " -> 127.0.0.1:"
                + broker.port(Protocol.AMQP), amqpName);

        String encoded = java.net.URLEncoder.encode(amqpName, StandardCharsets.UTF_8).replace("+", "%20");
        assertEquals(amqpName, broker.get("/api/connections/" + encoded).path("name").asText());
        assertEquals(204, broker.send("DELETE", "/api/connections/" + encoded, null).statusCode());
        await().atMost(5, TimeUnit.SECONDS).until(() -> !amqp.isOpen());

        String mqttName = java.net.URLEncoder.encode(mqttConnection.path("name").asText(), StandardCharsets.UTF_8)
                .replace("+", "%20");
        assertEquals(204, broker.send("DELETE", "/api/connections/" + mqttName, null).statusCode());
        await().atMost(5, TimeUnit.SECONDS).until(() -> !mqtt.isConnected());
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.get("/api/connections").isEmpty());
        assertEquals(404, broker.send("DELETE", "/api/connections/" + mqttName, null).statusCode());
    }

    @Test
    void anMqtt5ConnectionShowsTheVersionItChose() throws Exception {
        Mqtt5BlockingClient client = com.hivemq.client.mqtt.MqttClient.builder().useMqttVersion5()
                .identifier("listed-v5").serverHost("127.0.0.1").serverPort(broker.port(Protocol.MQTT))
                .buildBlocking();
        client.connectWith().simpleAuth().username("guest").password("guest".getBytes(StandardCharsets.UTF_8))
                .applySimpleAuth().send();
        try {
            await().atMost(5, TimeUnit.SECONDS).until(() -> broker.get("/api/connections").size() == 1);
            JsonNode connection = broker.get("/api/connections").get(0);
            assertEquals("MQTT 3.1.1/5.0", connection.path("protocol").asText(), "the listener");
            assertEquals("5.0", connection.path("protocol_version").asText(), "the client's version");
        } finally {
            client.disconnect();
        }
    }

    // ---- definitions ----

    @Test
    void definitionsRoundTripThroughExportAndImport() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.exchangeDeclare("billing", "direct", true);
        channel.queueDeclare("invoices", true, false, false, Map.of("x-max-length", 10));
        channel.queueBind("invoices", "billing", "invoice");
        String exclusive = channel.queueDeclare().getQueue();

        String exported = broker.send("GET", "/api/definitions", null).body();
        JsonNode definitions = ManagementFixture.JSON.readTree(exported);
        assertNotNull(named(definitions.path("exchanges"), "billing"));
        assertNull(named(definitions.path("exchanges"), "amq.topic"), "built-in exchanges are not exported");
        assertNotNull(named(definitions.path("queues"), "invoices"));
        assertNull(named(definitions.path("queues"), exclusive), "exclusive queues are not exported");
        assertEquals(10, named(definitions.path("queues"), "invoices").path("arguments").path("x-max-length")
                .asInt());
        assertEquals(1, definitions.path("bindings").size());
        assertNotNull(named(definitions.path("vhosts"), "/"));

        assertEquals(204, broker.send("DELETE", "/api/queues/%2F/invoices", null).statusCode());
        assertEquals(204, broker.send("DELETE", "/api/exchanges/%2F/billing", null).statusCode());

        assertEquals(204, broker.send("POST", "/api/definitions", exported).statusCode());
        assertEquals("direct", broker.get("/api/exchanges/%2F/billing").path("type").asText());
        assertEquals(10, broker.get("/api/queues/%2F/invoices").path("arguments").path("x-max-length").asInt());
        assertEquals(1, broker.get("/api/bindings/%2F/e/billing/q/invoices").size());

        // A new vhost in the definitions is created before what lives in it.
        String staging = "{\"vhosts\":[{\"name\":\"staging\"}],\"queues\":[{\"name\":\"q\",\"vhost\":\"staging\","
                + "\"durable\":true,\"auto_delete\":false,\"arguments\":{}}]}";
        assertEquals(204, broker.send("POST", "/api/definitions", staging).statusCode());
        assertNotNull(broker.get("/api/queues/staging/q"));
    }

    @Test
    void anMqttSubscriptionBindingKeepsItsKindAndQosThroughExportAndImport() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("device-shaped", true, false, false, null);
        channel.queueBind("device-shaped", "amq.topic", "s/*", Map.of("x-mqtt-subscription-qos", 1));

        String exported = broker.send("GET", "/api/definitions", null).body();
        JsonNode binding = null;
        for (JsonNode item : ManagementFixture.JSON.readTree(exported).path("bindings")) {
            if (item.path("destination").asText().equals("device-shaped")) {
                binding = item;
            }
        }
        assertNotNull(binding, exported);
        assertEquals("s/*", binding.path("routing_key").asText());
        assertEquals(1, binding.path("arguments").path("x-mqtt-subscription-qos").asInt());

        assertEquals(204, broker.send("DELETE", "/api/queues/%2F/device-shaped", null).statusCode());
        assertEquals(204, broker.send("POST", "/api/definitions", exported).statusCode());

        // Still an MQTT subscription: '*' is literal, so only the routing key 's.*' (topic 's/*') reaches it.
        channel.basicPublish("amq.topic", "s.secret", null, "hidden".getBytes(StandardCharsets.UTF_8));
        channel.basicPublish("amq.topic", "s.*", null, "shown".getBytes(StandardCharsets.UTF_8));
        GetResponse first = await().atMost(10, TimeUnit.SECONDS)
                .until(() -> channel.basicGet("device-shaped", true), Objects::nonNull);
        assertEquals("shown", new String(first.getBody(), StandardCharsets.UTF_8));
        assertNull(channel.basicGet("device-shaped", true));
    }

    @Test
    void badDefinitionsAreRefusedBeforeAnythingIsDeclared() throws Exception {
        String missingType = "{\"queues\":[{\"name\":\"early\",\"vhost\":\"/\"}],"
                + "\"exchanges\":[{\"name\":\"x\",\"vhost\":\"/\"}]}";
        HttpResponse<String> refused = broker.send("POST", "/api/definitions", missingType);
        assertEquals(400, refused.statusCode());
        assertEquals("an item of 'exchanges' lacks 'type'", json(refused).path("reason").asText());
        assertEquals(404, broker.send("GET", "/api/queues/%2F/early", null).statusCode());

        HttpResponse<String> notArray = broker.send("POST", "/api/definitions", "{\"queues\":{}}");
        assertEquals("'queues' must be a JSON array", json(notArray).path("reason").asText());
        assertEquals(400, broker.send("POST", "/api/definitions", "not json").statusCode());
    }
}
