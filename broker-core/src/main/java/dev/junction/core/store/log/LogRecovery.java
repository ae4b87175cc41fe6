package dev.junction.core.store.log;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds a log's state from its segment files: validates every frame, cuts torn tails off, reports and skips
 * corrupt stretches, works out which records are live (appended and not released) and hands those to the visitor
 * in id order.
 */
final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    /**
     * @param superseded segments holding records of which a later segment holds a copy: a compaction was cut short
     *                   after copying and before deleting; they must be compacted before any write
     */
    record Result(LogState state, RecoveryReport report, long nextId, List<Segment> superseded) {
    }

    private record FoundRelease(Segment holder, long id, long releasedFrom) {
    }

    private final SegmentDirectory directory;
    private final LogState state;
    private final RecordIdMap<Location> found = new RecordIdMap<>();
    private final List<FoundRelease> releases = new ArrayList<>();
    private final Map<Segment, ByteBuffer> images = new HashMap<>();
    private final Set<Segment> superseded = new LinkedHashSet<>();
    private final List<LogDamage> damage = new ArrayList<>();
    private final List<Segment> tornTails = new ArrayList<>();
    private long maxId = -1;

    private LogRecovery(SegmentDirectory directory, LogConfig config) {
        this.directory = directory;
        this.state = new LogState(directory, config.compactionThreshold());
    }

    static Result recover(SegmentDirectory directory, LogConfig config, RecoveryVisitor visitor) throws IOException {
        return new LogRecovery(directory, config).run(visitor);
    }

    private Result run(RecoveryVisitor visitor) throws IOException {
        List<Long> bases = directory.bases();
        for (int i = 0; i < bases.size(); i++) {
            scan(bases.get(i), i == bases.size() - 1);
        }
        for (FoundRelease release : releases) {
            found.remove(release.id());
        }
        state.adoptLive(found);
        for (FoundRelease release : releases) {
            if (state.releaseNeeded(release.holder(), release.releasedFrom())) {
                state.addRelease(release.holder(), state.segment(release.releasedFrom()));
            }
        }
        long visited = visitLive(visitor);
        images.clear();
        for (Segment segment : tornTails) {
            directory.truncate(segment.path, segment.size);
        }
        long lastBase = bases.isEmpty() ? 0 : bases.get(bases.size() - 1);
        long nextId = Math.max(maxId + 1, lastBase);
        if (bases.isEmpty()) {
            state.activate(directory.create(nextId));
        } else {
            Segment last = state.segment(lastBase);
            directory.openForAppend(last);
            state.activate(last);
        }
        for (Segment segment : List.copyOf(state.segments())) {
            state.reclaim(segment);
        }
        RecoveryReport report = new RecoveryReport(bases.size(), visited, releases.size(), damage);
        return new Result(state, report, nextId, List.copyOf(superseded));
    }

    private void scan(long base, boolean last) throws IOException {
        Path file = directory.fileOf(base);
        ByteBuffer image = directory.map(file, Files.size(file));
        Segment segment = new Segment(base, file, image.limit());
        SegmentScanner.Result result = SegmentScanner.scan(image, (buf, position, frameBytes, type, id) -> {
            maxId = Math.max(maxId, id);
            if (type == RecordFrame.RELEASE_TYPE) {
                releases.add(new FoundRelease(segment, id, RecordFrame.releasedFromAt(buf, position)));
            } else {
                Location earlier = found.put(id, new Location(segment, position, frameBytes));
                if (earlier != null) {
                    superseded.add(earlier.segment());
                }
            }
        });
        for (SegmentScanner.Stretch stretch : result.skipped()) {
            LOG.warn("Corrupt record in {} at offset {}: {}; skipped {} bytes to the next valid record",
                    file, stretch.offset(), stretch.defect().description, stretch.length());
            damage.add(new LogDamage(file, stretch.offset(), stretch.length(), LogDamage.Kind.CORRUPT_RECORD_SKIPPED,
                    stretch.defect().description));
        }
        SegmentScanner.Stretch torn = result.tornTail();
        if (torn != null) {
            // Expected at the end of the last segment after a crash; anywhere else it means lost acknowledged data
            // unless the policy let the OS decide when to write.
            String message = "Torn tail in {} at offset {}: {}; cutting off {} bytes";
            if (last) {
                LOG.info(message, file, torn.offset(), torn.defect().description, torn.length());
            } else {
                LOG.warn(message, file, torn.offset(), torn.defect().description, torn.length());
            }
            damage.add(new LogDamage(file, torn.offset(), torn.length(), LogDamage.Kind.TORN_TAIL_TRUNCATED,
                    torn.defect().description));
            segment.size = torn.offset();
            tornTails.add(segment);
        }
        state.addSegment(segment);
        images.put(segment, image);
    }

    private long visitLive(RecoveryVisitor visitor) {
        long[] ids = found.ids();
        Arrays.sort(ids);
        for (long id : ids) {
            Location location = found.get(id);
            ByteBuffer image = images.get(location.segment());
            int position = (int) location.position();
            ByteBuf body = Unpooled.wrappedBuffer(image.slice(position + RecordFrame.HEADER_BYTES,
                    location.frameBytes() - RecordFrame.HEADER_BYTES));
            try {
                visitor.visit(RecordFrame.typeAt(image, position), id, body);
            } finally {
                body.release();
            }
        }
        return ids.length;
    }
}
