package dev.junction.core.queue;

import dev.junction.core.message.Message;
import dev.junction.core.store.MessagePages;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * What {@link ReadyMessages} needs to page bodies out: the store, the record of the message's persistent copy when
 * the queue holds one ({@code -1}: none, a page record is written), the queue's owner thread to come back to, and
 * what to do once bodies were read back or could not be.
 */
record Paging(MessagePages pages, ToLongFunction<Message> storedRecord, Executor owner, Runnable readBack,
              Consumer<Message> lost) {

    static final Paging NONE = new Paging(MessagePages.NONE, message -> -1, Runnable::run, () -> {
    }, Message::release);
}
