package dev.junction.server.http;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.StorageSettings;
import dev.junction.core.store.log.FsyncPolicy;
import dev.junction.core.store.log.LogStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An argument table the store or the codec cannot hold is refused before it is acknowledged, on every path, and
 * recovery sets a stored definition it cannot use aside instead of refusing to start.
 */
class DefinitionValidationTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    /** {@code {"x": [[...[]...]]}} with the innermost array at nesting level {@code levels}. */
    private static String nestedArrays(int levels) {
        return "{\"x\":" + "[".repeat(levels) + "]".repeat(levels) + "}";
    }

    /** {@code {"x": {"x": ... {} ...}}} with the innermost table at nesting level {@code levels}. */
    private static String nestedTables(int levels) {
        return "{\"x\":".repeat(levels) + "{}" + "}".repeat(levels);
    }

    private HttpResponse<String> putQueue(String name, String arguments) throws Exception {
        return broker.send("PUT", "/api/queues/%2F/" + name, "{\"durable\":true,\"arguments\":" + arguments + "}");
    }

    @Test
    void tooDeepQueueArgumentsAreRefusedAndTheBrokerStillRestarts() throws Exception {
        HttpResponse<String> refused = putQueue("poison", nestedArrays(65));
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("nested deeper than 64 levels"), refused.body());
        assertEquals(201, putQueue("kept", "{}").statusCode());

        broker.restart();

        assertEquals(404, broker.send("GET", "/api/queues/%2F/poison", null).statusCode());
        assertEquals(200, broker.send("GET", "/api/queues/%2F/kept", null).statusCode());
    }

    /** Deep enough to overflow the stack of a recursive JSON writer: refused, so no GET can ever be a 500. */
    @Test
    void aVeryDeepTableIsRefusedWithoutAStackOverflow() throws Exception {
        HttpResponse<String> refused = putQueue("very-deep", nestedArrays(990));
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(404, broker.send("GET", "/api/queues/%2F/very-deep", null).statusCode());
        assertEquals(200, broker.send("GET", "/api/queues", null).statusCode());
    }

    @Test
    void theDeepestAcceptedArgumentsSurviveARestart() throws Exception {
        assertEquals(201, putQueue("deep-arrays", nestedArrays(64)).statusCode());
        String tables = nestedTables(64);
        assertEquals(201, putQueue("deep-tables", tables).statusCode());

        broker.restart();

        assertEquals(200, broker.send("GET", "/api/queues/%2F/deep-arrays", null).statusCode());
        HttpResponse<String> deepTables = broker.send("GET", "/api/queues/%2F/deep-tables", null);
        assertEquals(200, deepTables.statusCode());
        assertEquals(ManagementFixture.JSON.readTree(tables),
                ManagementFixture.json(deepTables).path("arguments"));
    }

    @Test
    void oversizedTablesAreRefusedOverTheApi() throws Exception {
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i <= 1_000; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        HttpResponse<String> tooMany = putQueue("many", many.append('}').toString());
        assertEquals(400, tooMany.statusCode(), tooMany.body());
        assertTrue(tooMany.body().contains("more than 1000 values"), tooMany.body());

        HttpResponse<String> tooLong = broker.send("PUT", "/api/exchanges/%2F/long",
                "{\"type\":\"headers\",\"arguments\":{\"x\":\"" + "a".repeat(70_000) + "\"}}");
        assertEquals(400, tooLong.statusCode(), tooLong.body());

        HttpResponse<String> longKey = putQueue("long-key", "{\"" + "k".repeat(256) + "\":1}");
        assertEquals(400, longKey.statusCode(), longKey.body());
        assertTrue(longKey.body().contains("table key longer than 255 bytes"), longKey.body());
        HttpResponse<String> hugeNumber = putQueue("huge", "{\"x-max-length\":123456789012345678901234567890}");
        assertEquals(400, hugeNumber.statusCode(), hugeNumber.body());
        assertEquals(404, broker.send("GET", "/api/queues/%2F/huge", null).statusCode());

        assertEquals(201, broker.send("PUT", "/api/exchanges/%2F/ok", "{\"type\":\"headers\"}").statusCode());
        assertEquals(201, putQueue("q", "{}").statusCode());
        HttpResponse<String> deepBinding = broker.send("POST", "/api/bindings/%2F/e/ok/q/q",
                "{\"routing_key\":\"\",\"arguments\":" + nestedArrays(65) + "}");
        assertEquals(400, deepBinding.statusCode(), deepBinding.body());
    }

    @Test
    void anImportWithABadArgumentTableAppliesNothing() throws Exception {
        String definitions = "{\"queues\":[{\"vhost\":\"/\",\"name\":\"imported\",\"durable\":true}],"
                + "\"bindings\":[{\"vhost\":\"/\",\"source\":\"amq.headers\",\"destination\":\"imported\","
                + "\"destination_type\":\"queue\",\"routing_key\":\"\",\"arguments\":" + nestedArrays(65) + "}]}";
        HttpResponse<String> refused = broker.send("POST", "/api/definitions", definitions);
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(404, broker.send("GET", "/api/queues/%2F/imported", null).statusCode());
    }

    @Test
    void amqpDeclaresAndConsumesWithOversizedTablesAre406() throws Exception {
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i <= 1_000; i++) {
            many.put("k" + i, i);
        }
        Channel declaring = broker.amqp().createChannel();
        IOException declare = assertThrows(IOException.class,
                () -> declaring.queueDeclare("many", true, false, false, many));
        assertEquals(406, channelCloseCode(declare));

        Channel consuming = broker.amqp().createChannel();
        consuming.queueDeclare("plain", false, false, true, null);
        IOException consume = assertThrows(IOException.class,
                () -> consuming.basicConsume("plain", true, many, (tag, delivery) -> { }, tag -> { }));
        assertEquals(406, channelCloseCode(consume));
    }

    @Test
    void recoverySetsAsideDefinitionsItCannotUseAndStarts() throws Exception {
        assertEquals(201, putQueue("kept", "{\"x-max-length\":5}").statusCode());
        broker.stop();
        // Written behind the broker's back, as an older version without the checks could have.
        try (LogStorage storage = LogStorage.open(new StorageSettings(broker.dataDir(), FsyncPolicy.ALWAYS,
                1 << 20))) {
            storage.put(new QueueDefinition("/", "unreadable", false, Map.of("x", nested(70))));
            Map<String, Object> many = new HashMap<>();
            for (int i = 0; i <= 1_000; i++) {
                many.put("k" + i, i);
            }
            storage.put(new QueueDefinition("/", "refused", false, many));
        }

        broker.start();

        assertEquals(200, broker.send("GET", "/api/queues/%2F/kept", null).statusCode());
        assertEquals(404, broker.send("GET", "/api/queues/%2F/unreadable", null).statusCode());
        assertEquals(404, broker.send("GET", "/api/queues/%2F/refused", null).statusCode());
        Path quarantine = broker.dataDir().resolve("quarantine");
        List<String> reasons;
        try (var files = Files.list(quarantine)) {
            reasons = files.filter(file -> file.toString().endsWith(".txt")).map(DefinitionValidationTest::read)
                    .toList();
        }
        assertEquals(2, reasons.size(), reasons.toString());
        assertTrue(reasons.stream().anyMatch(reason -> reason.contains("nested deeper than 64 levels")), reasons.toString());
        assertTrue(reasons.stream().anyMatch(reason -> reason.contains("more than 1000 values")), reasons.toString());

        // Set aside once: the next start finds a clean log.
        broker.restart();
        try (var files = Files.list(quarantine)) {
            assertEquals(4, files.count());
        }
        assertEquals(200, broker.send("GET", "/api/queues/%2F/kept", null).statusCode());
    }

    private static int channelCloseCode(IOException failure) {
        ShutdownSignalException signal = (ShutdownSignalException) failure.getCause();
        return ((AMQP.Channel.Close) signal.getReason()).getReplyCode();
    }

    private static List<Object> nested(int levels) {
        List<Object> value = List.of();
        for (int i = 1; i < levels; i++) {
            value = List.of(value);
        }
        return value;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
