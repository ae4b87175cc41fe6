package dev.junction.server.http;

import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Smaller findings of the management port's probe: each answered as HTTP says, none growing an answer unbounded. */
class ManagementEdgeCasesTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    @Test
    void anOverlongUrlIs414() throws Exception {
        HttpResponse<String> response = broker.send("GET", "/api/queues/%2F/" + "q".repeat(10_000), null);
        assertEquals(414, response.statusCode(), response.body());
    }

    @Test
    void aBlankDefinitionsImportIs400() throws Exception {
        HttpResponse<String> response = broker.send("POST", "/api/definitions", " \n\t ");
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains("empty"), response.body());
    }

    @Test
    void aLongMqttClientIdDoesNotBloatTheUnauthenticatedMetrics() throws Exception {
        String clientId = "c".repeat(65_535);
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port(Protocol.MQTT), clientId,
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        options.setConnectionTimeout(20);
        client.connect(options);
        broker.closeAfterwards(client::disconnect);
        client.subscribe("long/id", 1);
        await().atMost(20, TimeUnit.SECONDS).until(() ->
                broker.send("GET", "/metrics", null, null, null).body().contains("mqtt-subscription-ccc"));

        String metrics = broker.send("GET", "/metrics", null, null, null).body();
        assertFalse(metrics.contains("c".repeat(256)), "a label holds the whole client id");
        assertTrue(metrics.length() < 100_000, "metrics are " + metrics.length() + " characters");
    }

    @Test
    void anUnpagedListIsStreamedWholeAndAClosingRequestIsClosedAfterIt() throws Exception {
        com.rabbitmq.client.Channel channel = broker.amqp().createChannel();
        Set<String> declared = new HashSet<>();
        for (int i = 0; i < 250; i++) {
            declared.add(channel.queueDeclare("streamed-" + i, false, false, false, null).getQueue());
        }
        HttpResponse<String> response = broker.send("GET", "/api/queues", null);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("chunked", response.headers().firstValue("transfer-encoding").orElse(""));
        Set<String> listed = new HashSet<>();
        ManagementFixture.json(response).forEach(queue -> listed.add(queue.get("name").asText()));
        assertEquals(declared, listed);
        try (RawHttp raw = new RawHttp(broker.port(Protocol.HTTP))) {
            String answer = raw.send("GET /api/queues?columns=name HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + RawHttp.GUEST + "\r\nConnection: close\r\n\r\n").untilClosed();
            assertTrue(answer.contains("{\"name\":\"streamed-249\"}"), answer);
            assertTrue(answer.endsWith("]\r\n0\r\n\r\n"), answer);
        }
    }
}
