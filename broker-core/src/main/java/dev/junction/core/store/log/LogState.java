package dev.junction.core.store.log;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which records are live, where they are, and how much of each segment is still needed; decides when a segment is
 * deleted or queued for compaction. Confined to the writer thread (or the opening thread before it starts).
 *
 * <p>A release record is needed while the segment holding the record it hides exists; once that segment is gone
 * it is dead weight. So a segment may be deleted only when it holds no live record and no needed release record,
 * and deleting it can in turn free the segments holding its release records.
 */
final class LogState {

    private RecordIdMap<Location> live = new RecordIdMap<>();
    private final TreeMap<Long, Segment> segments = new TreeMap<>();
    private final ArrayDeque<Segment> compactionQueue = new ArrayDeque<>();
    private final SegmentDirectory directory;
    private final double compactionThreshold;
    private Segment active;
    private long segmentsDeleted;

    LogState(SegmentDirectory directory, double compactionThreshold) {
        this.directory = directory;
        this.compactionThreshold = compactionThreshold;
    }

    void addSegment(Segment segment) {
        segments.put(segment.base, segment);
    }

    void activate(Segment segment) {
        addSegment(segment);
        active = segment;
    }

    Segment active() {
        return active;
    }

    Segment segment(long base) {
        return segments.get(base);
    }

    Collection<Segment> segments() {
        return segments.values();
    }

    int liveRecords() {
        return live.size();
    }

    long segmentsDeleted() {
        return segmentsDeleted;
    }

    Location location(long id) {
        return live.get(id);
    }

    void addLive(long id, Location location) {
        live.put(id, location);
        count(location.segment(), 1, location.frameBytes());
    }

    /**
     * At recovery, before anything else is live: takes over the map of every live record (not copied, so that a
     * large log is not indexed twice in the heap).
     */
    void adoptLive(RecordIdMap<Location> records) {
        live = records;
        for (long id : records.ids()) {
            Location location = records.get(id);
            count(location.segment(), 1, location.frameBytes());
        }
    }

    /** Returns where the record was, or null if it was not live. */
    Location removeLive(long id) {
        Location location = live.remove(id);
        if (location != null) {
            count(location.segment(), -1, -location.frameBytes());
        }
        return location;
    }

    void relocate(long id, Location to) {
        removeLive(id);
        addLive(id, to);
    }

    /** Accounts a release record in {@code holder} that hides a record of {@code target}. */
    void addRelease(Segment holder, Segment target) {
        if (holder != target) {
            count(holder, 1, RecordFrame.RELEASE_FRAME_BYTES);
            target.releaseHolders.merge(holder, 1, Integer::sum);
        }
    }

    void removeRelease(Segment holder, Segment target) {
        if (holder != target) {
            count(holder, -1, -RecordFrame.RELEASE_FRAME_BYTES);
            target.releaseHolders.computeIfPresent(holder, (h, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Whether a release record in {@code holder} that hides a record of segment {@code targetBase} is still needed. */
    boolean releaseNeeded(Segment holder, long targetBase) {
        Segment target = segments.get(targetBase);
        return target != null && target != holder;
    }

    /**
     * Deletes {@code segment} if nothing in it is needed any more (and then whatever that frees in turn), or queues
     * it for compaction if little is. The active segment is left alone.
     */
    void reclaim(Segment segment) {
        if (!reclaimable(segment)) {
            return;
        }
        ArrayDeque<Segment> pending = new ArrayDeque<>(1);
        pending.add(segment);
        Segment next;
        while ((next = pending.poll()) != null) {
            if (!reclaimable(next)) {
                continue;
            }
            if (next.liveRecords == 0) {
                if (delete(next)) {
                    pending.addAll(next.releaseHolders.keySet());
                    next.releaseHolders.clear();
                }
            } else {
                next.awaitingCompaction = true;
                compactionQueue.add(next);
            }
        }
    }

    /** Whether {@link #reclaim} would delete the segment or queue it; cheap, as it runs for every release. */
    private boolean reclaimable(Segment segment) {
        if (segment == active || segment.deleted) {
            return false;
        }
        return segment.liveRecords == 0 || (!segment.awaitingCompaction && segment.belowThreshold(compactionThreshold));
    }

    /** Queues a segment for compaction whatever its live fraction (it holds records superseded by copies). */
    void compactSoon(Segment segment) {
        if (!segment.awaitingCompaction && segment != active) {
            segment.awaitingCompaction = true;
            compactionQueue.addFirst(segment);
        }
    }

    /** The next segment to compact, or null. */
    Segment nextCompaction() {
        Segment segment;
        while ((segment = compactionQueue.poll()) != null) {
            segment.awaitingCompaction = false;
            if (!segment.deleted && segment != active) {
                return segment;
            }
        }
        return null;
    }

    private boolean delete(Segment segment) {
        if (!directory.delete(segment)) {
            return false;
        }
        segment.deleted = true;
        segments.remove(segment.base);
        segmentsDeleted++;
        for (Map.Entry<Segment, Integer> holder : segment.releaseHolders.entrySet()) {
            count(holder.getKey(), -holder.getValue(), -(long) holder.getValue() * RecordFrame.RELEASE_FRAME_BYTES);
        }
        return true;
    }

    private static void count(Segment segment, int records, long bytes) {
        segment.liveRecords += records;
        segment.liveBytes += bytes;
    }
}
