package dev.junction.core.queue;

import dev.junction.core.message.Message;
import dev.junction.core.store.MessagePages;
import dev.junction.core.store.StoredMessage;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * What {@link ReadyMessages} needs to page messages out: the store, the record of the message's persistent copy when
 * the queue holds one ({@code -1}: none, a page record is written), the handle to settle a message read back from
 * such a record with (by record id; for a message stored for this queue alone), the queue's owner thread to come
 * back to, and what to do once messages were read back or could not be.
 */
record Paging(MessagePages pages, ToLongFunction<Message> storedRecord, LongFunction<StoredMessage> storedCopy,
              Executor owner, Runnable readBack, Consumer<Message> lost) {

    static final Paging NONE = new Paging(MessagePages.NONE, message -> -1, recordId -> null, Runnable::run, () -> {
    }, Message::release);
}
