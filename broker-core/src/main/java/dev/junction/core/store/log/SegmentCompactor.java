package dev.junction.core.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Plans and accounts the compaction of a sealed segment: the frames still needed (live records, and release
 * records that still hide a record elsewhere) are copied byte for byte, so ids and CRCs are unchanged. The writer
 * does the copying; this class decides what to copy and moves the accounting once the copy is durable.
 */
final class SegmentCompactor {

    /** A frame of the source to copy; {@code releasedFrom} is null for a data record. */
    private record Kept(long id, int position, int frameBytes, Segment releasedFrom) {
    }

    record Plan(Segment source, ByteBuffer image, List<Kept> kept, long bytes) {

        ByteBuffer[] frames() {
            ByteBuffer[] frames = new ByteBuffer[kept.size()];
            for (int i = 0; i < frames.length; i++) {
                Kept frame = kept.get(i);
                frames[i] = image.slice(frame.position(), frame.frameBytes());
            }
            return frames;
        }
    }

    private final LogState state;
    private final SegmentDirectory directory;

    SegmentCompactor(LogState state, SegmentDirectory directory) {
        this.state = state;
        this.directory = directory;
    }

    Plan plan(Segment source) throws IOException {
        ByteBuffer image = directory.map(source.path, source.size);
        List<Kept> kept = new ArrayList<>(source.liveRecords);
        long[] bytes = {0};
        // Damage was reported when the log was opened; here it is simply not copied.
        SegmentScanner.scan(image, (segment, position, frameBytes, type, id) -> {
            Kept frame = keep(source, segment, position, frameBytes, type, id);
            if (frame != null) {
                kept.add(frame);
                bytes[0] += frameBytes;
            }
        });
        return new Plan(source, image, kept, bytes[0]);
    }

    /** Moves the accounting of the kept frames to where they were copied, then lets the emptied source go. */
    void apply(Plan plan, Segment target, long start) {
        long position = start;
        for (Kept frame : plan.kept()) {
            if (frame.releasedFrom() == null) {
                state.relocate(frame.id(), new Location(target, position, frame.frameBytes()));
            } else {
                state.removeRelease(plan.source(), frame.releasedFrom());
                state.addRelease(target, frame.releasedFrom());
            }
            position += frame.frameBytes();
        }
        state.reclaim(plan.source());
    }

    private Kept keep(Segment source, ByteBuffer image, int position, int frameBytes, byte type, long id) {
        if (type == RecordFrame.RELEASE_TYPE) {
            long targetBase = RecordFrame.releasedFromAt(image, position);
            return state.releaseNeeded(source, targetBase)
                    ? new Kept(id, position, frameBytes, state.segment(targetBase)) : null;
        }
        Location location = state.location(id);
        boolean live = location != null && location.segment() == source && location.position() == position;
        return live ? new Kept(id, position, frameBytes, null) : null;
    }
}
