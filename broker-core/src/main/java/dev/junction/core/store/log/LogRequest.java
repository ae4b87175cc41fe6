package dev.junction.core.store.log;

import io.netty.buffer.ByteBuf;

/** A write handed from a producer thread to the writer thread. The mutable fields belong to the writer. */
abstract sealed class LogRequest permits LogRequest.Append, LogRequest.Release {

    final long id;
    final WriteListener listener;

    private LogRequest(long id, WriteListener listener) {
        this.id = id;
        this.listener = listener;
    }

    abstract int frameBytes();

    /** Drops what the request owns; called exactly once, after it was written or failed. */
    void discard() {
    }

    static final class Append extends LogRequest {
        final byte type;
        final ByteBuf body;

        Append(byte type, long id, ByteBuf body, WriteListener listener) {
            super(id, listener);
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

        Release(long id, WriteListener listener) {
            super(id, listener);
        }

        @Override
        int frameBytes() {
            return RecordFrame.RELEASE_FRAME_BYTES;
        }
    }
}
