package dev.junction.core.store;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.log.FsyncPolicy;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random writes, settles in random queues and reopens of the log engine, checked after every reopen against a
 * model of which queues still hold which message. Small segments make the log roll, delete and compact segments.
 */
class LogStorageModelTest {
    private static final int OPERATIONS = 2000;
    private static final int QUEUES = 4;

    @TempDir
    Path directory;

    private Storage open() throws IOException {
        return StorageEngines.open("log", new StorageSettings(directory, FsyncPolicy.NEVER, 4096));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void recoveryMatchesTheModel(long seed) throws Exception {
        Random random = new Random(seed);
        Storage storage = open();
        long[] queues = new long[QUEUES];
        for (int i = 0; i < QUEUES; i++) {
            queues[i] = storage.definitions().put(new QueueDefinition("/", "q" + i, false, Map.of()));
        }
        // Message key to the queues that still hold it, in write order; and the store's handles.
        Map<String, List<Long>> model = new LinkedHashMap<>();
        Map<String, StoredMessage> handles = new LinkedHashMap<>();
        int written = 0;
        int reopens = 0;
        for (int op = 0; op < OPERATIONS; op++) {
            int choice = random.nextInt(100);
            if (choice < 45 || model.isEmpty()) {
                String key = "m" + written++;
                long[] targets = randomSubset(random, queues);
                Message message = new Message("", key, MessageProperties.EMPTY.withDeliveryMode(2),
                        Unpooled.wrappedBuffer(new byte[random.nextInt(200)]));
                handles.put(key, storage.messages().write(message, targets, StoreListener.NONE));
                message.release();
                model.put(key, new ArrayList<>(Arrays.stream(targets).boxed().toList()));
            } else if (choice < 97) {
                List<String> keys = new ArrayList<>(model.keySet());
                String key = keys.get(random.nextInt(keys.size()));
                List<Long> holders = model.get(key);
                long queue = holders.get(random.nextInt(holders.size()));
                storage.messages().settle(handles.get(key), queue);
                storage.messages().settle(handles.get(key), queue);
                holders.remove(queue);
                if (holders.isEmpty()) {
                    model.remove(key);
                    handles.remove(key);
                }
            } else {
                storage.close();
                storage = open();
                reopens++;
                Recovered recovered = storage.takeRecovered();
                Map<String, List<Long>> found = new LinkedHashMap<>();
                handles.clear();
                RecoveredMessages messages = recovered.messages();
                Message[] back = StorageContractTest.readBack(storage, messages);
                for (int i = 0; i < back.length; i++) {
                    found.put(back[i].routingKey(), Arrays.stream(messages.queueIds(i)).boxed().toList());
                    handles.put(back[i].routingKey(), messages.stored(i));
                    back[i].release();
                }
                assertEquals(model, found, "seed " + seed + ", after operation " + op);
                assertEquals(List.copyOf(model.keySet()), List.copyOf(found.keySet()), "order, seed " + seed);
            }
        }
        storage.close();
        assertEquals(true, reopens > 10, "the run reopened the store often enough to mean something");
    }

    private static long[] randomSubset(Random random, long[] queues) {
        long[] subset = Arrays.stream(queues).filter(queue -> random.nextBoolean()).toArray();
        return subset.length > 0 ? subset : new long[] {queues[random.nextInt(queues.length)]};
    }
}
