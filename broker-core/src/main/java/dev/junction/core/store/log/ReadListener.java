package dev.junction.core.store.log;

import io.netty.buffer.ByteBuf;

/** Receives records read back, on the writer thread: like a {@link WriteListener}, it must only hand them over. */
@FunctionalInterface
public interface ReadListener {
    /**
     * @param records the body of each record asked for, in order, owned by the receiver; null for a record that is
     *                not live (never appended, released, its append failed), could not be read, or is damaged
     * @param types   the type of each record read
     */
    void onRead(ByteBuf[] records, byte[] types);
}
