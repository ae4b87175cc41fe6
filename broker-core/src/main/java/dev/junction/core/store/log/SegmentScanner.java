package dev.junction.core.store.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Walks the frames of one segment image, validating each. After an invalid frame it resynchronises on the next
 * position where a valid frame starts; if there is none, the rest of the image is a torn tail.
 */
final class SegmentScanner {

    @FunctionalInterface
    interface FrameSink {
        void frame(ByteBuffer segment, int position, int frameBytes, byte type, long id);
    }

    /** A stretch of the image that holds no valid frame; {@code defect} is what was wrong at its start. */
    record Stretch(int offset, int length, RecordFrame.Defect defect) {
    }

    /**
     * @param skipped  corrupt stretches followed by a valid frame
     * @param tornTail the invalid stretch that runs to the end of the image, or null
     */
    record Result(List<Stretch> skipped, Stretch tornTail) {
    }

    private SegmentScanner() {
    }

    static Result scan(ByteBuffer segment, FrameSink sink) {
        CRC32C crc = new CRC32C();
        List<Stretch> skipped = new ArrayList<>(0);
        int limit = segment.limit();
        int pos = 0;
        while (pos < limit) {
            RecordFrame.Defect defect = RecordFrame.defectAt(segment, pos, crc);
            if (defect == null) {
                int frameBytes = RecordFrame.frameBytesAt(segment, pos);
                sink.frame(segment, pos, frameBytes, RecordFrame.typeAt(segment, pos), RecordFrame.idAt(segment, pos));
                pos += frameBytes;
                continue;
            }
            int next = nextValidFrame(segment, pos + 1, crc);
            if (next < 0) {
                return new Result(skipped, new Stretch(pos, limit - pos, defect));
            }
            skipped.add(new Stretch(pos, next - pos, defect));
            pos = next;
        }
        return new Result(skipped, null);
    }

    private static int nextValidFrame(ByteBuffer segment, int from, CRC32C crc) {
        int lastStart = segment.limit() - RecordFrame.HEADER_BYTES;
        for (int pos = from; pos <= lastStart; pos++) {
            if (segment.getInt(pos) == RecordFrame.MAGIC && RecordFrame.defectAt(segment, pos, crc) == null) {
                return pos;
            }
        }
        return -1;
    }
}
