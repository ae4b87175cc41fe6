package dev.junction.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Message bodies for the benchmarks: pooled direct buffers, where a socket read or a store read leaves them. */
public final class Payloads {
    private Payloads() {
    }

    /** {@code size} bytes counting up from 0; the caller releases the buffer. */
    public static ByteBuf direct(int size) {
        ByteBuf payload = ByteBufAllocator.DEFAULT.directBuffer(size);
        for (int i = 0; i < size; i++) {
            payload.writeByte(i);
        }
        return payload;
    }
}
