package dev.junction.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code junction-ctl tail} in-process while real MQTT and AMQP clients publish. */
class TailCommandTest {
    @TempDir
    Path dataDir;

    private JunctionServer server;
    private Connection amqp;
    private MqttClient mqtt;

    @BeforeEach
    void start() throws Exception {
        server = JunctionServer.start(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        amqp = factory.newConnection();
        mqtt = new MqttClient("tcp://127.0.0.1:" + server.port(Protocol.MQTT), "tail-publisher",
                new MemoryPersistence());
        mqtt.connect(new MqttConnectOptions());
    }

    @AfterEach
    void stop() throws Exception {
        mqtt.disconnect();
        mqtt.close();
        amqp.close();
        server.close();
    }

    /** The tail queues as the management API lists them, each as its consumer count. */
    private List<Integer> tailQueueConsumers() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + server.port(Protocol.HTTP) + "/api/queues"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "guest:guest".getBytes(StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        List<Integer> consumers = new ArrayList<>();
        for (JsonNode queue : new ObjectMapper().readTree(response.body())) {
            if (queue.path("name").asText().startsWith("junction-tail-")) {
                consumers.add(queue.path("consumers").asInt());
            }
        }
        return consumers;
    }

    @Test
    void printsMessagesFromBothProtocolsThenStopsAtCountAndRemovesItsQueue() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JunctionCtl.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.execute(
                "--url", "http://127.0.0.1:" + server.port(Protocol.HTTP), "tail", "sensors.#", "--count", "2"));
        await().atMost(10, TimeUnit.SECONDS).until(() -> tailQueueConsumers().equals(List.of(1)));

        mqtt.publish("sensors/kitchen", new MqttMessage("21.5".getBytes(StandardCharsets.UTF_8)));
        await().atMost(10, TimeUnit.SECONDS).until(() -> out.toString().contains("sensors.kitchen"));
        Channel channel = amqp.createChannel();
        channel.basicPublish("amq.topic", "sensors.door", new AMQP.BasicProperties.Builder()
                .contentType("application/octet-stream").build(), new byte[] {(byte) 0xff, 0x00});

        assertEquals(0, exit.get(10, TimeUnit.SECONDS), err.toString());
        List<String> lines = out.toString().lines().toList();
        assertEquals(2, lines.size(), out.toString());
        assertTrue(lines.get(0).startsWith("sensors.kitchen ") && lines.get(0).endsWith(" 21.5"), lines.get(0));
        assertEquals("sensors.door {\"content_type\":\"application/octet-stream\"} base64:/wA=", lines.get(1));
        await().atMost(10, TimeUnit.SECONDS).until(() -> tailQueueConsumers().isEmpty());
    }

    @Test
    void aPatternOnAMissingExchangeIsRefusedWithItsReason() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = JunctionCtl.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute("--url", "http://127.0.0.1:" + server.port(Protocol.HTTP), "tail", "a.#",
                "--exchange", "no-such-exchange");
        assertEquals(JunctionCtl.EXIT_NOT_FOUND, exit, err.toString());
        assertTrue(err.toString().contains("no-such-exchange"), err.toString());
    }
}
