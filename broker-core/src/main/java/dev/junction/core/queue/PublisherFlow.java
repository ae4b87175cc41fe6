package dev.junction.core.queue;

/**
 * A publisher that queues can hold back while they are above their high-water mark (see {@link FlowLimits}): one
 * per publishing connection, passed to {@link Queue#throttle(PublisherFlow)} after each publish. Calls come on the
 * queues' shard threads and must not block; a queue that called {@link #block()} calls {@link #unblock()} exactly
 * once later, so a publisher blocked by several queues resumes when the last of them lets it go.
 */
public interface PublisherFlow {
    void block();

    void unblock();
}
