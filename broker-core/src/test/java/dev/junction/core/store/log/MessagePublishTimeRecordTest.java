package dev.junction.core.store.log;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.RecoveredMessages;
import dev.junction.core.store.StorageSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message record keeps the wall-clock time of the publish, so that what counts from it (expiry, MQTT 5's remaining
 * Message Expiry Interval) goes on counting over a restart; a record of the earlier layout, without it, still reads.
 */
class MessagePublishTimeRecordTest {
    private static final int SEGMENT_BYTES = 1 << 20;
    private static final MessageProperties EXPIRING =
            MessageProperties.EMPTY.withDeliveryMode(MessageProperties.PERSISTENT).withExpiration("60000");

    @TempDir
    Path directory;

    private LogStorage open() throws Exception {
        return LogStorage.open(new StorageSettings(directory, FsyncPolicy.ALWAYS, SEGMENT_BYTES));
    }

    private static Message readBack(LogStorage storage, long recordId) throws Exception {
        CompletableFuture<Message> read = new CompletableFuture<>();
        storage.read(new long[] {recordId}, messages -> read.complete(messages[0]));
        return read.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theRecordKeepsThePublishTimeAndTheMessageReadBackIsAsOld() throws Exception {
        long queueId;
        long publishedAtMillis;
        long recordId;
        try (LogStorage storage = open()) {
            CompletableFuture<Throwable> stored = new CompletableFuture<>();
            queueId = storage.put(new QueueDefinition("/", "q", false, Map.of()), stored::complete);
            assertNull(stored.get(10, TimeUnit.SECONDS));
            Message message = new Message("", "q", EXPIRING, Unpooled.copiedBuffer("m", StandardCharsets.UTF_8));
            publishedAtMillis = message.publishedAtMillis();
            CompletableFuture<Throwable> written = new CompletableFuture<>();
            recordId = storage.messages().write(message, new long[] {queueId}, written::complete).recordId();
            assertNull(written.get(10, TimeUnit.SECONDS));
            message.release();
        }
        Thread.sleep(300); // the message ages while the storage is closed

        try (LogStorage storage = open()) {
            RecoveredMessages recovered = storage.takeRecovered().messages();
            assertEquals(1, recovered.size());
            assertEquals(publishedAtMillis, recovered.publishedAtMillis(0));
            assertEquals(60000, recovered.expirationMillis(0));
            Message message = readBack(storage, recordId);
            long ageNanos = System.nanoTime() - message.publishedAtNanos();
            assertEquals(publishedAtMillis, message.publishedAtMillis());
            assertTrue(ageNanos >= TimeUnit.MILLISECONDS.toNanos(300), "published " + ageNanos + " ns ago");
            assertEquals("m", message.body().toString(StandardCharsets.UTF_8));
            message.release();
        }
    }

    @Test
    void aMessageRecordOfTheEarlierLayoutCountsAsPublishedWhenItIsRead() throws Exception {
        LogConfig config = LogConfig.defaults(directory).withSegmentBytes(SEGMENT_BYTES);
        long recordId;
        try (SegmentedLog log = SegmentedLog.open(config, new Recovered())) {
            ByteBuf queue = StorageRecords.encode(new QueueDefinition("/", "q", false, Map.of()));
            long queueId = LogTesting.appendAndWait(log, StorageRecords.QUEUE, ByteBufUtil.getBytes(queue));
            queue.release();
            ByteBuf record = Unpooled.buffer();
            record.writeInt(1).writeLong(queueId);
            RecordCodec.writeString(record, "");
            RecordCodec.writeString(record, "q");
            MessagePropertiesCodec.write(record, EXPIRING);
            record.writeCharSequence("old", StandardCharsets.UTF_8);
            recordId = LogTesting.appendAndWait(log, StorageRecords.UNTIMED_MESSAGE, ByteBufUtil.getBytes(record));
        }

        long before = System.currentTimeMillis();
        try (LogStorage storage = open()) {
            RecoveredMessages recovered = storage.takeRecovered().messages();
            assertEquals(1, recovered.size());
            assertEquals(recordId, recovered.recordId(0));
            assertEquals(60000, recovered.expirationMillis(0));
            assertTrue(recovered.publishedAtMillis(0) >= before, "counts from the recovery");
            Message message = readBack(storage, recordId);
            assertEquals("q", message.routingKey());
            assertEquals("60000", message.properties().expiration());
            assertEquals("old", message.body().toString(StandardCharsets.UTF_8));
            assertTrue(message.publishedAtMillis() >= before);
            message.release();
        }
    }
}
