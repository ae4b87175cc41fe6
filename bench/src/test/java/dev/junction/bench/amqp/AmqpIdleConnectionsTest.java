package dev.junction.bench.amqp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.junction.bench.LoopbackJunction;
import dev.junction.server.JunctionServer;
import dev.junction.server.net.Protocol;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The idle AMQP generator against a real Junction in this JVM, checked through the broker's management API. */
class AmqpIdleConnectionsTest {
    private static final int CONNECTIONS = 25;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dataDir;
    static JunctionServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackJunction.start(dataDir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void consumerOptionGivesEveryConnectionAChannelWithAConsumerOnItsOwnExclusiveQueue() throws Exception {
        AmqpIdleConnections tool = tool("--consumer");
        try (AmqpIdleConnections.OpenConnections open = tool.open()) {
            assertNull(open.firstFailure());
            assertEquals(CONNECTIONS, open.connections().size());
            assertEquals(CONNECTIONS, open.consumers());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertEquals(CONNECTIONS, amqpConnections()));
            JsonNode channels = get("/api/channels");
            assertEquals(CONNECTIONS, channels.size(), channels.toString());
            channels.forEach(channel -> assertEquals(1, channel.path("consumer_count").asInt(), channel.toString()));

            JsonNode consumers = get("/api/consumers");
            assertEquals(CONNECTIONS, consumers.size(), consumers.toString());
            Set<String> queues = new HashSet<>();
            consumers.forEach(consumer -> queues.add(consumer.path("queue").path("name").asText()));
            assertEquals(CONNECTIONS, queues.size(), "one queue per consumer: " + queues);
            int listed = 0;
            for (JsonNode queue : get("/api/queues")) {
                if (queues.contains(queue.path("name").asText())) {
                    listed++;
                    assertTrue(queue.path("exclusive").asBoolean(), queue.toString());
                    assertTrue(queue.path("name").asText().startsWith("amq.gen-"), queue.toString());
                }
            }
            assertEquals(CONNECTIONS, listed);
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(0, amqpConnections()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(0, get("/api/consumers").size()));
    }

    @Test
    void withoutTheOptionEveryConnectionHoldsOneChannelAndNoConsumer() throws Exception {
        try (AmqpIdleConnections.OpenConnections open = tool().open()) {
            assertNull(open.firstFailure());
            assertEquals(CONNECTIONS, open.connections().size());
            assertEquals(0, open.consumers());

            await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertEquals(CONNECTIONS, amqpConnections()));
            JsonNode channels = get("/api/channels");
            assertEquals(CONNECTIONS, channels.size(), channels.toString());
            channels.forEach(channel -> assertEquals(0, channel.path("consumer_count").asInt(), channel.toString()));
            assertEquals(0, get("/api/consumers").size());
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(0, amqpConnections()));
    }

    private static AmqpIdleConnections tool(String... extra) {
        AmqpIdleConnections tool = new AmqpIdleConnections();
        String[] args = {"--uri", "amqp://guest:guest@127.0.0.1:" + server.port(Protocol.AMQP),
            "--connections", Integer.toString(CONNECTIONS), "--concurrency", "4", "--seconds", "30"};
        String[] all = new String[args.length + extra.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(extra, 0, all, args.length, extra.length);
        new CommandLine(tool).parseArgs(all);
        return tool;
    }

    /** The AMQP connections the broker lists: the generator's, since nothing else connects to this broker. */
    private static int amqpConnections() throws Exception {
        int count = 0;
        for (JsonNode connection : get("/api/connections")) {
            if (connection.path("protocol").asText().equals(Protocol.AMQP.displayName())) {
                count++;
            }
        }
        return count;
    }

    private static JsonNode get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port(Protocol.HTTP) + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .GET().build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }
}
