package dev.junction.core.store;

import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.Definition.BindingDefinition;
import dev.junction.core.store.Definition.ExchangeDefinition;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.Definition.PermissionDefinition;
import dev.junction.core.store.Definition.StateRecord;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.core.store.Definition.VirtualHostDefinition;
import dev.junction.core.store.log.FsyncPolicy;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every engine promises through the SPI; engines that keep data also promise it across a reopen. */
abstract class StorageContractTest {
    @TempDir
    Path directory;
    private Storage storage;
    private final List<Message> readBack = new ArrayList<>();

    abstract String engine();

    abstract boolean keepsData();

    Storage open() throws IOException {
        storage = StorageEngines.open(engine(), new StorageSettings(directory,
                FsyncPolicy.NEVER, 64 * 1024));
        return storage;
    }

    Recovered reopen() throws IOException {
        storage.close();
        return open().takeRecovered();
    }

    /** The recovered messages read back from the store, as queues read them; released after the test. */
    List<Message> readBack(Recovered recovered) throws Exception {
        List<Message> back = List.of(readBack(storage, recovered.messages()));
        readBack.addAll(back);
        return back;
    }

    /** Recovered messages keep no body: it is read back with routing and properties, in the caller's hands then. */
    static Message[] readBack(Storage storage, RecoveredMessages messages) throws Exception {
        long[] recordIds = new long[messages.size()];
        for (int i = 0; i < recordIds.length; i++) {
            recordIds[i] = messages.recordId(i);
        }
        CompletableFuture<Message[]> read = new CompletableFuture<>();
        storage.pages().read(recordIds, read::complete);
        return read.get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws IOException {
        readBack.forEach(Message::release);
        if (storage != null) {
            storage.close();
        }
    }

    static Message message(String routingKey, MessageProperties properties, String body) {
        return new Message("amq.direct", routingKey, properties,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    /** Writes a message as the vhost does and lets go of the publisher's reference once it is durable. */
    StoredMessage write(Message message, long... queueIds) throws Exception {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        StoredMessage stored = storage.messages().write(message, queueIds, outcome::complete);
        assertNull(outcome.get(5, TimeUnit.SECONDS), "write failed");
        message.release();
        return stored;
    }

    @Test
    void aWriteIsReportedStored() throws Exception {
        open();
        long queue = storage.definitions().put(new QueueDefinition("/", "q", false, Map.of()));
        write(message("k", MessageProperties.EMPTY.withDeliveryMode(2), "body"), queue);
    }

    @Test
    void anEngineIsChosenByNameAndAnUnknownNameIsRefused() {
        assertTrue(StorageEngines.names().containsAll(List.of("log", "memory")));
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class,
                () -> StorageEngines.open("tape", new StorageSettings(directory,
                        FsyncPolicy.NEVER, 65536)));
        assertEquals("unknown storage engine 'tape': expected one of log, memory", refused.getMessage());
    }

    @Test
    void stateRecordsAreReplacedByKeyRemovedDurablyAndSurviveAReopen() throws Exception {
        open();
        StateRecord first = new StateRecord("ns", "a", new byte[]{1, 2});
        StateRecord replacement = new StateRecord("ns", "a", new byte[]{3});
        StateRecord removed = new StateRecord("ns", "b", new byte[0]);
        StateRecord other = new StateRecord("other", "a", new byte[0]);
        CompletableFuture<Throwable> put = new CompletableFuture<>();
        CompletableFuture<Throwable> removal = new CompletableFuture<>();
        storage.definitions().put(first);
        storage.definitions().put(removed);
        storage.definitions().put(replacement, put::complete);
        storage.definitions().put(other);
        storage.definitions().remove(new StateRecord("ns", "b", new byte[]{9}), removal::complete);
        assertNull(put.get(5, TimeUnit.SECONDS));
        assertNull(removal.get(5, TimeUnit.SECONDS));

        Recovered recovered = reopen();

        assertEquals(keepsData() ? List.of(replacement, other) : List.of(), recovered.definitions());
    }

    @Test
    void usersAndPermissionsAreReplacedByIdentityRemovedAndSurviveAReopen() throws Exception {
        open();
        UserDefinition alice = new UserDefinition("alice", "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", Set.of());
        UserDefinition aliceChanged = new UserDefinition("alice", "pbkdf2-sha256$2$c2FsdA==$b3RoZXI=",
                Set.of("administrator", "my-own-tag"));
        UserDefinition bob = new UserDefinition("bob", "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", Set.of("monitoring"));
        PermissionDefinition aliceRoot = new PermissionDefinition("/", "alice", ".*", ".*", ".*");
        PermissionDefinition aliceRootNarrowed = new PermissionDefinition("/", "alice", "", "^amq\\.topic$", "x.*");
        PermissionDefinition aliceOther = new PermissionDefinition("other", "alice", ".*", "", "");
        PermissionDefinition bobRoot = new PermissionDefinition("/", "bob", ".*", ".*", ".*");
        storage.definitions().put(alice);
        storage.definitions().put(bob);
        storage.definitions().put(aliceRoot);
        storage.definitions().put(aliceOther);
        storage.definitions().put(bobRoot);
        storage.definitions().put(aliceChanged);
        storage.definitions().put(aliceRootNarrowed);
        CompletableFuture<Throwable> removal = new CompletableFuture<>();
        storage.definitions().remove(bob);
        storage.definitions().remove(new PermissionDefinition("/", "bob", "", "", ""), removal::complete);
        assertNull(removal.get(5, TimeUnit.SECONDS));

        Recovered recovered = reopen();

        assertEquals(keepsData() ? List.of(aliceOther, aliceChanged, aliceRootNarrowed) : List.of(),
                recovered.definitions());
    }

    @Test
    void definitionsSurviveAReopenWithoutWhatWasRemoved() throws Exception {
        open();
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("x-max-length", 10);
        arguments.put("x-dead-letter-exchange", "dlx");
        VirtualHostDefinition vhost = new VirtualHostDefinition("v");
        ExchangeDefinition kept = new ExchangeDefinition("v", "orders", ExchangeType.TOPIC, false, true,
                Map.of("alternate-exchange", "ae"));
        ExchangeDefinition removed = new ExchangeDefinition("v", "gone", ExchangeType.FANOUT, true, false, Map.of());
        QueueDefinition queue = new QueueDefinition("v", "q", true, arguments);
        BindingDefinition binding = new BindingDefinition("v", "orders", "q", false, "a.#", Map.of("x", 1L));
        storage.definitions().put(vhost);
        storage.definitions().put(kept);
        storage.definitions().put(removed);
        long queueId = storage.definitions().put(queue);
        storage.definitions().put(binding);
        storage.definitions().remove(removed);

        Recovered recovered = reopen();

        if (keepsData()) {
            assertEquals(List.of(vhost, kept, queue, binding), recovered.definitions());
            assertEquals(Map.of(queue, queueId), recovered.queueIds());
        } else {
            assertEquals(List.of(), recovered.definitions());
        }
    }

    @Test
    void unsettledMessagesComeBackInOrderWithTheQueuesThatStillHoldThem() throws Exception {
        open();
        long a = storage.definitions().put(new QueueDefinition("/", "a", false, Map.of()));
        long b = storage.definitions().put(new QueueDefinition("/", "b", false, Map.of()));
        StoredMessage first = write(message("1", persistent(), "one"), a, b);
        StoredMessage second = write(message("2", persistent(), "two"), a, b);
        write(message("3", persistent(), "three"), b);
        StoredMessage fourth = write(message("4", persistent(), "four"), a);
        settle(first, a);
        settle(first, b);
        settle(second, a);
        settle(fourth, a);

        Recovered recovered = reopen();

        if (!keepsData()) {
            assertEquals(0, recovered.messages().size());
            return;
        }
        List<Message> messages = readBack(recovered);
        assertEquals(List.of("2", "3"), messages.stream().map(Message::routingKey).toList());
        assertArrayEquals(new long[] {b}, recovered.messages().queueIds(0));
        assertArrayEquals(new long[] {b}, recovered.messages().queueIds(1));
        assertEquals(3, recovered.messages().bodySize(0));
        assertEquals("two", messages.get(0).body().toString(StandardCharsets.UTF_8));
        assertEquals("amq.direct", messages.get(0).exchange());
    }

    @Test
    void aMessageSettledInAllItsQueuesIsGoneAndItsSettleRecordsWithIt() throws Exception {
        open();
        long[] queues = {
                storage.definitions().put(new QueueDefinition("/", "a", false, Map.of())),
                storage.definitions().put(new QueueDefinition("/", "b", false, Map.of())),
                storage.definitions().put(new QueueDefinition("/", "c", false, Map.of()))};
        StoredMessage stored = write(message("k", persistent(), "x"), queues);
        settle(stored, queues[1]);
        Recovered midway = reopen();
        if (keepsData()) {
            assertArrayEquals(new long[] {queues[0], queues[2]}, midway.messages().queueIds(0));
            stored = midway.messages().stored(0);
        }
        settle(stored, queues[0]);
        settle(stored, queues[0]);
        settle(stored, queues[2]);

        assertEquals(0, reopen().messages().size());
        assertEquals(0, reopen().messages().size());
    }

    @Test
    void propertiesAndHeaderValuesRoundTrip() throws Exception {
        open();
        long queue = storage.definitions().put(new QueueDefinition("/", "q", false, Map.of()));
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("string", "text");
        headers.put("int", 7);
        headers.put("long", 8L);
        headers.put("short", (short) 9);
        headers.put("byte", (byte) 10);
        headers.put("bool", true);
        headers.put("double", 1.5);
        headers.put("float", 2.5f);
        headers.put("decimal", new BigDecimal("12.345"));
        headers.put("time", Instant.ofEpochSecond(1_700_000_000L));
        headers.put("void", null);
        headers.put("list", List.of("a", 1, List.of(2L)));
        headers.put("table", Map.of("nested", "yes"));
        MessageProperties properties = new MessageProperties("text/plain", "gzip", headers, 2, 5, "corr",
                "reply", "60000", "id-1", 1_700_000_000L, "type", "guest", "app", "cluster");
        Message message = message("k", properties, "body");
        storage.messages().write(message, new long[] {queue}, StoreListener.NONE);
        message.release();

        Recovered recovered = reopen();

        if (keepsData()) {
            MessageProperties back = readBack(recovered).get(0).properties();
            assertEquals(5, recovered.messages().priority(0));
            assertEquals(60000, recovered.messages().expirationMillis(0));
            assertEquals(properties.withHeaders(null), back.withHeaders(null));
            assertEquals(headers, back.headers());
            assertArrayEquals(new byte[] {1, 2}, (byte[]) roundTripHeader(new byte[] {1, 2}));
        }
    }

    private Object roundTripHeader(Object value) throws Exception {
        long queue = storage.definitions().put(new QueueDefinition("/", "bytes", false, Map.of()));
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("v", value);
        write(message("bytes", persistent().withHeaders(headers), ""), queue);
        return readBack(reopen()).stream().filter(m -> m.routingKey().equals("bytes")).findFirst().orElseThrow()
                .properties().header("v");
    }

    void settle(StoredMessage stored, long queueId) {
        if (stored != null) {
            storage.messages().settle(stored, queueId);
        }
    }

    static MessageProperties persistent() {
        return MessageProperties.EMPTY.withDeliveryMode(MessageProperties.PERSISTENT);
    }
}
