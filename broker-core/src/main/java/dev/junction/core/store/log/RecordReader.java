package dev.junction.core.store.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Serves {@link LogRequest.Read}s on the writer thread, where the live locations are and where compaction runs, so
 * a record cannot move or vanish while it is read. Every frame read is checked against its CRC.
 */
final class RecordReader {
    private static final Logger LOG = LoggerFactory.getLogger(RecordReader.class);

    private final LogState state;
    private final CRC32C crc = new CRC32C();

    RecordReader(LogState state) {
        this.state = state;
    }

    void serve(LogRequest.Read read) {
        ByteBuf[] records = new ByteBuf[read.ids.length];
        byte[] types = new byte[read.ids.length];
        for (int i = 0; i < records.length; i++) {
            Location location = state.location(read.ids[i]);
            ByteBuf frame = location == null ? null : readFrame(read.ids[i], location);
            if (frame != null) {
                types[i] = frame.getByte(RecordFrame.TYPE_OFFSET);
                records[i] = frame.retainedSlice(RecordFrame.HEADER_BYTES, frame.readableBytes() - RecordFrame.HEADER_BYTES);
                frame.release();
            }
        }
        try {
            read.reader.onRead(records, types);
        } catch (RuntimeException e) {
            LOG.warn("Read listener threw", e);
        }
    }

    /** The whole frame, checked; null (logged) if it cannot be read. */
    private ByteBuf readFrame(long id, Location location) {
        int frameBytes = location.frameBytes();
        ByteBuf frame = ByteBufAllocator.DEFAULT.ioBuffer(frameBytes, frameBytes);
        try {
            FileChannel channel = location.segment().reader();
            ByteBuffer target = frame.nioBuffer(0, frameBytes);
            long position = location.position();
            while (target.hasRemaining()) {
                if (channel.read(target, position + target.position()) < 0) {
                    throw new IOException("segment ends inside the frame");
                }
            }
            frame.writerIndex(frameBytes);
            RecordFrame.Defect defect = RecordFrame.defectAt(frame.nioBuffer(0, frameBytes), 0, crc);
            if (defect != null || frame.getLong(RecordFrame.ID_OFFSET) != id) {
                throw new IOException(defect != null ? defect.description : "the frame holds another record");
            }
            return frame;
        } catch (IOException e) {
            LOG.error("Record {} cannot be read back from {} at {}", id, location.segment(), location.position(), e);
            frame.release();
            return null;
        }
    }
}
