package dev.junction.server.http;

import com.rabbitmq.client.Channel;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /metrics} scraped over real HTTP as Prometheus would, against a broker with real clients. */
class MetricsEndpointTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    private String scrape() throws Exception {
        HttpResponse<String> response = broker.send("GET", "/metrics", null, null, null);
        assertEquals(200, response.statusCode());
        return response.body();
    }

    @Test
    void showsConnectionsQueuesMqttCountersAndTheJvm() throws Exception {
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("depth", false, false, false, null);
        for (int i = 0; i < 3; i++) {
            channel.basicPublish("", "depth", null, "m".getBytes(StandardCharsets.UTF_8));
        }
        channel.basicQos(1);
        channel.basicConsume("depth", false, (tag, delivery) -> { }, tag -> { });

        MqttClient mqtt = new MqttClient("tcp://127.0.0.1:" + broker.port(Protocol.MQTT), "metered",
                new MemoryPersistence());
        broker.closeAfterwards(mqtt);
        mqtt.connect(new MqttConnectOptions());
        mqtt.publish("sensors/t", new MqttMessage("21".getBytes(StandardCharsets.UTF_8)));

        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            String metrics = scrape();
            return metrics.contains("junction_queue_messages_ready{queue=\"depth\",vhost=\"/\"} 2.0")
                    && metrics.contains("junction_queue_messages_unacked{queue=\"depth\",vhost=\"/\"} 1.0")
                    && metrics.contains("junction_mqtt_messages_received_total 1.0");
        });
        String metrics = scrape();
        assertTrue(metrics.contains("junction_connections{protocol=\"amqp\"} 1.0"), metrics);
        assertTrue(metrics.contains("junction_connections{protocol=\"mqtt\"} 1.0"), metrics);
        assertTrue(metrics.contains("junction_queue_consumers{queue=\"depth\",vhost=\"/\"} 1.0"), metrics);
        assertTrue(metrics.contains("junction_mqtt_sessions 1.0"), metrics);
        assertTrue(metrics.contains("# TYPE junction_queue_messages_dropped_total counter"), metrics);
        assertTrue(metrics.contains("jvm_memory_used_bytes{area=\"heap\"}"), metrics);
        assertTrue(metrics.contains("jvm_gc_collection_seconds"), metrics);
    }

    /** Counted at PUBACK (QoS 1) and PUBCOMP (QoS 2), which Paho may send after its callback has returned. */
    @Test
    void countsMqttDeliveriesAcknowledgedWithPubAckAndPubComp() throws Exception {
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + broker.port(Protocol.MQTT), "acknowledger",
                new MemoryPersistence());
        broker.closeAfterwards(subscriber);
        subscriber.connect(new MqttConnectOptions());
        CountDownLatch received = new CountDownLatch(2);
        subscriber.subscribe("acks/#", 2, (topic, message) -> received.countDown());
        MqttClient publisher = new MqttClient("tcp://127.0.0.1:" + broker.port(Protocol.MQTT), "acked-publisher",
                new MemoryPersistence());
        broker.closeAfterwards(publisher);
        publisher.connect(new MqttConnectOptions());
        publisher.publish("acks/one", "1".getBytes(StandardCharsets.UTF_8), 1, false);
        publisher.publish("acks/two", "2".getBytes(StandardCharsets.UTF_8), 2, false);
        assertTrue(received.await(5, TimeUnit.SECONDS));

        await().atMost(5, TimeUnit.SECONDS).until(() ->
                scrape().contains("junction_messages_acknowledged_total{protocol=\"mqtt\"} 2.0"));
        assertTrue(scrape().contains("junction_messages_delivered_total{protocol=\"mqtt\"} 2.0"));
    }

    @Test
    void isPrometheusTextFormatWithoutAuthentication() throws Exception {
        HttpResponse<String> response = broker.send("GET", "/metrics", null, null, null);
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(405, broker.send("POST", "/metrics", "", null, null).statusCode());
    }
}
