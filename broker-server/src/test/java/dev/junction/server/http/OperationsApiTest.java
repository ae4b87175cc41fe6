package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Channels, MQTT sessions and retained messages over HTTP, and the message-flow metrics, with real clients. */
class OperationsApiTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    private MqttClient mqtt(String clientId, boolean cleanSession) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port(Protocol.MQTT), clientId,
                new MemoryPersistence());
        broker.closeAfterwards(client);
        client.connect(options(cleanSession));
        return client;
    }

    private static MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        return options;
    }

    private static String encoded(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    void channelsShowTheirModesPrefetchAndConsumersUnderRabbitMqNames() throws Exception {
        Connection connection = broker.amqp();
        Channel plain = connection.createChannel();
        plain.basicQos(7);
        plain.queueDeclare("work", false, false, false, null);
        plain.basicConsume("work", false, (tag, delivery) -> { }, tag -> { });
        Channel confirming = connection.createChannel();
        confirming.confirmSelect();

        JsonNode channels = broker.get("/api/channels");
        assertEquals(2, channels.size(), channels.toString());
        JsonNode first = channels.get(0);
        String connectionName = first.path("connection_details").path("name").asText();
        assertEquals(connectionName + " (1)", first.path("name").asText());
        assertEquals(1, first.path("number").asInt());
        assertEquals("guest", first.path("user").asText());
        assertEquals("/", first.path("vhost").asText());
        assertEquals(7, first.path("prefetch_count").asInt());
        assertEquals(1, first.path("consumer_count").asInt());
        assertFalse(first.path("confirm").asBoolean());
        assertEquals("running", first.path("state").asText());
        assertTrue(channels.get(1).path("confirm").asBoolean());

        JsonNode one = broker.get("/api/channels/" + encoded(connectionName + " (2)"));
        assertEquals(2, one.path("number").asInt());
        assertEquals(2, broker.get("/api/connections/" + encoded(connectionName) + "/channels").size());
        assertEquals(404, broker.send("GET", "/api/channels/" + encoded(connectionName + " (9)"), null)
                .statusCode());
    }

    @Test
    void mqttSessionsAreListedShownAndDroppedWhichDisconnectsTheClient() throws Exception {
        MqttClient client = mqtt("meter-1", false);
        client.subscribe("meters/+/power", 1);
        client.subscribe("alerts/#", 0);

        JsonNode session = broker.get("/api/mqtt/sessions/meter-1");
        assertEquals("meter-1", session.path("client_id").asText());
        assertFalse(session.path("clean_session").asBoolean());
        assertTrue(session.path("connected").asBoolean());
        assertEquals("guest", session.path("user").asText());
        assertEquals("mqtt-subscription-meter-1", session.path("queue").asText());
        assertEquals(2, session.path("subscriptions").size());
        assertEquals("meters/+/power", session.path("subscriptions").get(0).path("topic").asText());
        assertEquals(1, session.path("subscriptions").get(0).path("qos").asInt());
        assertFalse(session.path("last_connected").isNull());
        assertEquals(1, broker.get("/api/mqtt/sessions").size());

        assertEquals(204, broker.send("DELETE", "/api/mqtt/sessions/meter-1", null).statusCode());
        await().atMost(5, TimeUnit.SECONDS).until(() -> !client.isConnected());
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.get("/api/mqtt/sessions").isEmpty());
        assertEquals(404, broker.send("GET", "/api/mqtt/sessions/meter-1", null).statusCode());
        assertEquals(404, broker.send("DELETE", "/api/mqtt/sessions/meter-1", null).statusCode());
    }

    @Test
    void anOfflinePersistentSessionsQueueCountsNoConsumerUntilItsClientComesBack() throws Exception {
        MqttClient client = mqtt("meter-2", false);
        client.subscribe("meters/2", 1);
        String queue = "/api/queues/%2F/mqtt-subscription-meter-2";
        String gauge = "junction_queue_consumers{queue=\"mqtt-subscription-meter-2\",vhost=\"/\"}";
        await().atMost(30, TimeUnit.SECONDS).until(() -> broker.get(queue).path("consumers").asInt() == 1);
        assertEquals(1, broker.get("/api/overview").path("object_totals").path("consumers").asInt());
        assertEquals(1, sample(scrape(), gauge));

        client.disconnect();
        await().atMost(30, TimeUnit.SECONDS).until(() -> broker.get(queue).path("consumers").asInt() == 0);
        assertEquals(0, broker.get("/api/overview").path("object_totals").path("consumers").asInt());
        assertEquals(0, sample(scrape(), gauge));

        client.connect(options(false));
        await().atMost(30, TimeUnit.SECONDS).until(() -> broker.get(queue).path("consumers").asInt() == 1);
        assertEquals(1, broker.get("/api/overview").path("object_totals").path("consumers").asInt());
        assertEquals(1, sample(scrape(), gauge));
    }

    @Test
    void retainedMessagesAreListedByFilterReadAsTextOrBase64AndDeleted() throws Exception {
        MqttClient client = mqtt("retainer", true);
        client.publish("home/lamp", "on".getBytes(StandardCharsets.UTF_8), 1, true);
        client.publish("home/raw", new byte[] {(byte) 0xfe, 0x01}, 0, true);
        client.publish("garden/tap", "off".getBytes(StandardCharsets.UTF_8), 0, true);

        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.get("/api/mqtt/retained").size() == 3);
        JsonNode home = broker.get("/api/mqtt/retained?topic=" + encoded("home/#"));
        assertEquals(2, home.size(), home.toString());
        assertEquals("home/lamp", home.get(0).path("topic").asText());
        assertEquals(1, home.get(0).path("qos").asInt());
        assertEquals(2, home.get(0).path("payload_bytes").asInt());

        JsonNode lamp = broker.get("/api/mqtt/retained/" + encoded("home/lamp"));
        assertEquals("on", lamp.path("payload").asText());
        assertEquals("string", lamp.path("payload_encoding").asText());
        JsonNode raw = broker.get("/api/mqtt/retained/" + encoded("home/raw"));
        assertEquals("/gE=", raw.path("payload").asText());
        assertEquals("base64", raw.path("payload_encoding").asText());

        assertEquals(204, broker.send("DELETE", "/api/mqtt/retained/" + encoded("home/lamp"), null).statusCode());
        assertEquals(404, broker.send("GET", "/api/mqtt/retained/" + encoded("home/lamp"), null).statusCode());
        assertEquals(400, broker.send("GET", "/api/mqtt/retained/" + encoded("home/+"), null).statusCode());
        assertEquals(400, broker.send("GET", "/api/mqtt/retained?topic=" + encoded("a/#/b"), null).statusCode());
    }

    private double sample(String metrics, String series) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        assertTrue(matcher.find(), series + " missing in:\n" + metrics);
        return Double.parseDouble(matcher.group(1));
    }

    private String scrape() throws Exception {
        return broker.send("GET", "/metrics", null, null, null).body();
    }

    @Test
    void messageFlowLatencyStorageAndAlarmMetricsAppearAndMove() throws Exception {
        String before = scrape();
        for (String reason : new String[] {"queue_full", "offline", "not_mqtt_topic", "too_large",
                "over_client_maximum", "expired"}) {
            assertEquals(0, sample(before, "junction_mqtt_dropped_total{reason=\"" + reason + "\"}"));
        }
        for (String what : new String[] {"published", "routed", "unroutable", "delivered", "acknowledged",
                "redelivered", "dropped"}) {
            for (String protocol : new String[] {"amqp", "mqtt"}) {
                sample(before, "junction_messages_" + what + "_total{protocol=\"" + protocol + "\"}");
            }
        }
        assertTrue(before.contains("# TYPE junction_delivery_latency_seconds histogram"), before);
        assertTrue(before.contains("junction_alarm_active{resource=\"disk\"} 0"), before);
        assertTrue(before.contains("junction_alarm_activations_total{resource=\"memory\"} 0"), before);
        double fsyncs = sample(before, "junction_storage_fsyncs_total");
        sample(before, "junction_storage_unforced_batches_total");

        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("flow", true, false, false, null);
        channel.basicPublish("", "flow", com.rabbitmq.client.MessageProperties.PERSISTENT_TEXT_PLAIN,
                "x".getBytes(StandardCharsets.UTF_8));
        channel.basicPublish("", "nowhere", null, "y".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet("flow", false) != null);
        channel.basicRecover(true);
        var redelivered = channel.basicGet("flow", false);
        assertNotNull(redelivered);
        channel.basicAck(redelivered.getEnvelope().getDeliveryTag(), false);

        await().atMost(5, TimeUnit.SECONDS).until(() -> sample(scrape(),
                "junction_messages_acknowledged_total{protocol=\"amqp\"}") == 1);
        String after = scrape();
        assertEquals(2, sample(after, "junction_messages_published_total{protocol=\"amqp\"}"));
        assertEquals(1, sample(after, "junction_messages_routed_total{protocol=\"amqp\"}"));
        assertEquals(1, sample(after, "junction_messages_unroutable_total{protocol=\"amqp\"}"));
        assertEquals(1, sample(after, "junction_messages_dropped_total{protocol=\"amqp\"}"));
        assertEquals(2, sample(after, "junction_messages_delivered_total{protocol=\"amqp\"}"));
        assertEquals(1, sample(after, "junction_messages_redelivered_total{protocol=\"amqp\"}"));
        assertEquals(2, sample(after, "junction_delivery_latency_seconds_count{protocol=\"amqp\"}"));
        assertEquals(2, sample(after, "junction_delivery_latency_seconds_bucket{protocol=\"amqp\",le=\"+Inf\"}"));
        assertTrue(sample(after, "junction_storage_fsyncs_total") > fsyncs, after);

        MqttClient client = mqtt("flow", true);
        client.subscribe("flow/#", 1);
        client.publish("flow/a", "z".getBytes(StandardCharsets.UTF_8), 1, false);
        client.publish("nobody/listens", "z".getBytes(StandardCharsets.UTF_8), 0, false);
        await().atMost(5, TimeUnit.SECONDS).until(() -> sample(scrape(),
                "junction_messages_delivered_total{protocol=\"mqtt\"}") == 1);
        String mqttAfter = scrape();
        assertEquals(2, sample(mqttAfter, "junction_messages_published_total{protocol=\"mqtt\"}"));
        assertEquals(1, sample(mqttAfter, "junction_messages_routed_total{protocol=\"mqtt\"}"));
        assertEquals(1, sample(mqttAfter, "junction_messages_unroutable_total{protocol=\"mqtt\"}"));
        assertEquals(1, sample(mqttAfter, "junction_messages_delivered_total{protocol=\"mqtt\"}"));
        assertEquals(1, sample(mqttAfter, "junction_delivery_latency_seconds_count{protocol=\"mqtt\"}"));
        assertTrue(sample(after, "junction_storage_records_written_total") > 0, after);
        assertTrue(sample(after, "junction_storage_bytes_written_total") > 0, after);
        assertTrue(sample(after, "junction_storage_disk_bytes") > 0, after);
        assertTrue(sample(after, "junction_storage_fsync_duration_seconds_count") > 0, after);
    }
}
