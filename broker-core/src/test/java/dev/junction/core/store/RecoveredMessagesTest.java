package dev.junction.core.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RecoveredMessagesTest {
    private static final StoredMessage.SettleWriter NO_RECORDS = new StoredMessage.SettleWriter() {
        @Override
        public long writeSettle(long messageRecordId, long queueId) {
            return 0;
        }

        @Override
        public void releaseAll(long messageRecordId, long[] settleRecords) {
        }
    };

    @Test
    void messagesSettledEverywhereAreDroppedAndTheRestKeepTheirOrderAcrossChunks() {
        RecoveredMessages messages = new RecoveredMessages();
        int count = 3 * RecoveredMessages.CHUNK + 5;
        for (int i = 0; i < count; i++) {
            long[] queues = i % 3 == 0 ? new long[] {7, 8} : new long[] {7};
            messages.add(1000 + i, i, i % 256, i % 5 == 0 ? i : -1, 2000 + i, queues);
            if (i % 6 == 0) {
                messages.sharedHandleOfRecord(1000 + i).recoverSettled(7, 1);
                messages.sharedHandleOfRecord(1000 + i).recoverSettled(8, 2);
            }
        }
        messages.removeSettled();

        int index = 0;
        long[] kept = new long[count];
        for (int i = 0; i < count; i++) {
            if (i % 6 == 0) {
                continue;
            }
            assertEquals(1000 + i, messages.recordId(index));
            kept[index] = 1000 + i;
            assertEquals(i, messages.bodySize(index));
            assertEquals(i % 256, messages.priority(index));
            assertEquals(i % 5 == 0 ? i : -1, messages.expirationMillis(index));
            assertEquals(2000 + i, messages.publishedAtMillis(index));
            assertArrayEquals(i % 3 == 0 ? new long[] {7, 8} : new long[] {7}, messages.queueIds(index));
            if (i % 3 == 0) {
                assertSame(messages.sharedHandle(index), messages.stored(index));
            } else {
                assertNull(messages.sharedHandle(index));
                messages.stored(index).settle(7, NO_RECORDS);
            }
            index++;
        }
        assertEquals(index, messages.size());

        messages.discardBefore(RecoveredMessages.CHUNK + 1);
        assertThrows(NullPointerException.class, () -> messages.recordId(0));
        assertEquals(kept[RecoveredMessages.CHUNK], messages.recordId(RecoveredMessages.CHUNK));
    }
}
