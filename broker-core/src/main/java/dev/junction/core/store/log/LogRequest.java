package dev.junction.core.store.log;

import io.netty.buffer.ByteBuf;

/**
 * A write (or a read) handed from a producer thread to the writer thread. The mutable fields belong to the writer.
 */
abstract sealed class LogRequest permits LogRequest.Append, LogRequest.Release, LogRequest.Read {

    final long id;
    final WriteListener listener;
    final Durability durability;

    private LogRequest(long id, WriteListener listener, Durability durability) {
        this.id = id;
        this.listener = listener;
        this.durability = durability;
    }

    abstract int frameBytes();

    /** Drops what the request owns; called exactly once, after it was written or failed. */
    void discard() {
    }

    static final class Append extends LogRequest {
        final byte type;
        final ByteBuf body;

        Append(byte type, long id, ByteBuf body, Durability durability, WriteListener listener) {
            super(id, listener, durability);
            this.type = type;
            this.body = body;
        }

        @Override
        int frameBytes() {
            return RecordFrame.frameBytes(body.readableBytes());
        }

        @Override
        void discard() {
            body.release();
        }
    }

    static final class Release extends LogRequest {
        /** Where the released record was, once the writer has staged the release. */
        Location released;

        Release(long id, Durability durability, WriteListener listener) {
            super(id, listener, durability);
        }

        @Override
        int frameBytes() {
            return RecordFrame.RELEASE_FRAME_BYTES;
        }
    }

    /**
     * Reads records back. It goes through the writer's queue so that it is served after every append requested
     * before it, and no compaction can move or delete a record while it is read.
     */
    static final class Read extends LogRequest {
        final long[] ids;
        final ReadListener reader;

        Read(long[] ids, ReadListener reader) {
            // Failed as a whole (log closed) it reads nothing.
            super(-1, (none, failure) -> reader.onRead(new ByteBuf[ids.length], new byte[ids.length]),
                    Durability.DEFERRED);
            this.ids = ids;
            this.reader = reader;
        }

        @Override
        int frameBytes() {
            return 0;
        }
    }
}
