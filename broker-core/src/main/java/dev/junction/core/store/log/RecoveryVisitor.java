package dev.junction.core.store.log;

import io.netty.buffer.ByteBuf;

/** Receives every live record while a log is opened, in ascending id order, so an upper layer can rebuild its state. */
@FunctionalInterface
public interface RecoveryVisitor {

    /**
     * @param body readable only during this call and owned by the log: copy what must be kept, do not release it.
     *             An exception thrown here aborts {@link SegmentedLog#open}.
     */
    void visit(byte type, long id, ByteBuf body);
}
