package dev.junction.core.store.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk frame of one record, all integers big-endian:
 * <pre>
 *   magic   int   0x4A4C4F47 ("JLOG"), lets a scan resynchronise after a corrupt stretch
 *   length  int   bytes after the crc field: 9 + body length
 *   crc32c  int   CRC32C of the {@code length} bytes that follow it
 *   type    byte  0..127 chosen by the caller; negative values are the log's own
 *   id      long  record id
 *   body    bytes
 * </pre>
 * A release record has type {@link #RELEASE_TYPE}, the released record's id, and an 8-byte body: the base of the
 * segment that held the released record when it was released.
 */
final class RecordFrame {

    static final int MAGIC = 0x4A4C4F47;
    static final int HEADER_BYTES = 21;
    static final int CRC_OFFSET = 8;
    static final int TYPE_OFFSET = 12;
    static final int ID_OFFSET = 13;
    /** type + id: the smallest possible value of the length field. */
    static final int MIN_LENGTH = 9;
    static final byte RELEASE_TYPE = -1;
    static final int RELEASE_FRAME_BYTES = HEADER_BYTES + Long.BYTES;

    enum Defect {
        TRUNCATED("the file ends inside the record"),
        NO_MAGIC("no record marker"),
        BAD_LENGTH("impossible length field"),
        CRC_MISMATCH("CRC32C mismatch"),
        BAD_TYPE("reserved record type unknown or malformed");

        final String description;

        Defect(String description) {
            this.description = description;
        }
    }

    private RecordFrame() {
    }

    static int frameBytes(int bodyBytes) {
        return HEADER_BYTES + bodyBytes;
    }

    /**
     * Writes a header at {@code dst}'s position with a zero crc; {@link #sealCrc} fills it in once the body is summed.
     * Returns the header's start.
     */
    static int putHeader(ByteBuffer dst, int bodyBytes, byte type, long id) {
        int start = dst.position();
        dst.putInt(MAGIC).putInt(MIN_LENGTH + bodyBytes).putInt(0).put(type).putLong(id);
        return start;
    }

    /**
     * Restarts {@code crc} with the {@code bytes} bytes after the crc field of the frame starting at
     * {@code headerStart}: type and id, plus whatever of the body already follows them in {@code buf}.
     */
    static void startCrc(CRC32C crc, ByteBuffer buf, int headerStart, int bytes) {
        crc.reset();
        crc.update(buf.slice(headerStart + TYPE_OFFSET, bytes));
    }

    static void sealCrc(ByteBuffer buf, int headerStart, CRC32C crc) {
        buf.putInt(headerStart + CRC_OFFSET, (int) crc.getValue());
    }

    /** Returns why no valid frame starts at {@code pos} of {@code buf} (absolute indices up to its limit), or null. */
    static Defect defectAt(ByteBuffer buf, int pos, CRC32C crc) {
        int available = buf.limit() - pos;
        if (available < Integer.BYTES) {
            return Defect.TRUNCATED;
        }
        if (buf.getInt(pos) != MAGIC) {
            return Defect.NO_MAGIC;
        }
        if (available < HEADER_BYTES) {
            return Defect.TRUNCATED;
        }
        int length = buf.getInt(pos + 4);
        if (length < MIN_LENGTH) {
            return Defect.BAD_LENGTH;
        }
        if (length > available - TYPE_OFFSET) {
            return Defect.TRUNCATED;
        }
        crc.reset();
        crc.update(buf.slice(pos + TYPE_OFFSET, length));
        if ((int) crc.getValue() != buf.getInt(pos + CRC_OFFSET)) {
            return Defect.CRC_MISMATCH;
        }
        byte type = buf.get(pos + TYPE_OFFSET);
        if (type < 0 && !(type == RELEASE_TYPE && length == MIN_LENGTH + Long.BYTES)) {
            return Defect.BAD_TYPE;
        }
        return null;
    }

    /** Total bytes of the valid frame at {@code pos}. */
    static int frameBytesAt(ByteBuffer buf, int pos) {
        return TYPE_OFFSET + buf.getInt(pos + 4);
    }

    static byte typeAt(ByteBuffer buf, int pos) {
        return buf.get(pos + TYPE_OFFSET);
    }

    static long idAt(ByteBuffer buf, int pos) {
        return buf.getLong(pos + ID_OFFSET);
    }

    /** For a release frame: the base of the segment that held the released record. */
    static long releasedFromAt(ByteBuffer buf, int pos) {
        return buf.getLong(pos + HEADER_BYTES);
    }
}
