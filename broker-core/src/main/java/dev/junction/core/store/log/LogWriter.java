package dev.junction.core.store.log;

import dev.junction.core.metrics.LatencyHistogram;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the segment files. Producers hand requests over a lock-free MPSC queue; the writer
 * drains what has gathered into a batch, writes it with one gathering write, forces it with one fsync (under
 * {@code always}, if the batch holds a {@link Durability#REQUIRED} request) and then completes every listener of the
 * batch. While it is busy, new requests gather for the next batch: group commit without a timer.
 *
 * <p>After a write or fsync fails, the batch is cut off the file again, its listeners fail, and the writer refuses
 * requests for a while (see {@link WriteFailure}).
 */
final class LogWriter implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    static final int MAX_BATCH_REQUESTS = 1024;
    static final long MAX_BATCH_BYTES = 4L << 20;

    private final MessagePassingQueue<LogRequest> queue = new MpscUnboundedArrayQueue<>(1024);
    private final LogConfig config;
    private final SegmentDirectory directory;
    private final LogState state;
    private final SegmentCompactor compactor;
    private final RecordReader reader;
    private final AtomicLong nextId;
    private final boolean forceRequiredBatches;
    /** Zero unless the policy is {@code interval}. */
    private final long intervalNanos;
    private final WriteFailure failure;

    /** Headers of the batch's records, and the whole frames of its release records. */
    private final ByteBuffer frameHeads =
            ByteBuffer.allocateDirect(MAX_BATCH_REQUESTS * RecordFrame.RELEASE_FRAME_BYTES);
    private final CRC32C crc = new CRC32C();
    private final List<LogRequest> batch = new ArrayList<>();
    private ByteBuffer[] gather = new ByteBuffer[256];
    private int gatherCount;
    /** Taken from the queue but left for the next batch because it belongs in the next segment. */
    private LogRequest carried;
    private boolean dirty;
    private long lastForceNanos = System.nanoTime();

    private Thread thread;
    private volatile boolean parked;
    private volatile boolean closing;
    private volatile boolean terminated;
    private IOException closeFailure;

    // Written by the writer thread only; volatile so metrics() may read them anywhere.
    private volatile long fsyncs;
    private final LatencyHistogram fsyncLatency = new LatencyHistogram();
    private volatile long batches;
    private volatile long unforcedBatches;
    private volatile long appendsWritten;
    private volatile long releasesWritten;
    private volatile long bytesWritten;
    private volatile long segmentsCompacted;
    private volatile long liveRecords;
    private volatile int segments;
    private volatile long segmentsDeleted;

    LogWriter(LogConfig config, SegmentDirectory directory, LogState state, AtomicLong nextId) {
        this.config = config;
        this.directory = directory;
        this.state = state;
        this.compactor = new SegmentCompactor(state, directory);
        this.reader = new RecordReader(state);
        this.nextId = nextId;
        this.failure = new WriteFailure(directory.path);
        this.forceRequiredBatches = config.fsync() instanceof FsyncPolicy.Always;
        this.intervalNanos = config.fsync() instanceof FsyncPolicy.Interval interval ? interval.period().toNanos() : 0;
        publishMetrics();
    }

    void start() {
        thread = new Thread(this, "junction-log-writer[" + directory.path.getFileName() + "]");
        thread.setDaemon(true);
        thread.start();
    }

    /** Any thread. */
    void submit(LogRequest request) {
        if (closing) {
            reject(request, new LogClosedException("log in " + directory.path + " is closed"));
            return;
        }
        queue.offer(request);
        if (parked) {
            LockSupport.unpark(thread);
        }
        if (terminated) {
            failStragglers();
        }
    }

    /** Writes everything already submitted, forces it, closes the files. Not from a listener (it would wait for itself). */
    void close() throws IOException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("a log cannot be closed from its own writer thread (a write listener)");
        }
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while closing the log in " + directory.path, e);
        }
        if (closeFailure != null) {
            throw closeFailure;
        }
    }

    LatencyHistogram fsyncLatency() {
        return fsyncLatency;
    }

    LogMetrics metrics() {
        return new LogMetrics(fsyncs, batches, unforcedBatches, appendsWritten, releasesWritten, bytesWritten,
                liveRecords, segments, segmentsDeleted, segmentsCompacted, failure.writable());
    }

    @Override
    public void run() {
        try {
            while (true) {
                boolean wrote = writeBatch();
                boolean compacted = compactNext();
                forceIfIntervalDue();
                publishMetrics();
                if (wrote || compacted) {
                    continue;
                }
                if (closing && carried == null && queue.isEmpty()) {
                    break;
                }
                idle();
            }
            finish();
        } catch (RuntimeException | Error e) {
            LOG.error("Log writer for {} died; the log accepts no more writes", directory.path, e);
            closeFailure = new IOException("log writer died", e);
            failBatch(closeFailure);
            if (carried != null) {
                reject(carried, closeFailure);
            }
        } finally {
            terminated = true;
            failStragglers();
        }
    }

    /** Compacts a segment right away, before the writer starts (open uses it for segments holding superseded copies). */
    void compactNow(Segment segment) throws IOException {
        if (!segment.deleted) {
            compact(segment);
        }
    }

    private boolean writeBatch() {
        LogRequest first = takeRequest();
        if (first == null) {
            return false;
        }
        if (first instanceof LogRequest.Read read) {
            // Everything requested before it has been written (or failed): its records are where the state says.
            reader.serve(read);
            return true;
        }
        if (failure.refusing()) {
            refuseQueued(first);
            return true;
        }
        try {
            if (!fits(first.frameBytes(), state.active().size)) {
                roll();
            }
        } catch (IOException e) {
            reject(first, e);
            failure.failed(e, false);
            return true;
        }
        Segment active = state.active();
        long start = active.size;
        long end = start;
        frameHeads.clear();
        gatherCount = 0;
        boolean required = false;
        LogRequest request = first;
        while (true) {
            if (stage(request, active, end)) {
                batch.add(request);
                end += request.frameBytes();
                required |= request.durability == Durability.REQUIRED;
            }
            if (batch.size() == MAX_BATCH_REQUESTS || end - start >= MAX_BATCH_BYTES) {
                break;
            }
            request = takeRequest();
            if (request == null) {
                break;
            }
            if (request instanceof LogRequest.Read || !fits(request.frameBytes(), end)) {
                carried = request;
                break;
            }
        }
        if (batch.isEmpty()) {
            return true;
        }
        try {
            writeFully(active.channel, gather, gatherCount, end - start);
            active.size = end;
            // A batch of deferred requests only is left for the next forced one (or the seal, or close) to cover:
            // fsync forces the whole file, and roll() forces a dirty segment before sealing it.
            if (forceRequiredBatches && required) {
                force(active);
            } else {
                dirty = true;
                unforcedBatches++;
            }
        } catch (IOException e) {
            unstage(active);
            boolean cutOff = cutOff(active, start, e);
            // Refuse before telling the waiters, so anyone who sees the failure also sees the log unwritable.
            failure.failed(e, !cutOff);
            failBatch(e);
            return true;
        }
        completeBatch(end - start);
        return true;
    }

    /** Adds a request's frame to the batch and applies it to the live state; false if it was failed instead. */
    private boolean stage(LogRequest request, Segment active, long position) {
        if (request instanceof LogRequest.Append append) {
            int head = RecordFrame.putHeader(frameHeads, append.body.readableBytes(), append.type, append.id);
            RecordFrame.startCrc(crc, frameHeads, head, RecordFrame.MIN_LENGTH);
            ByteBuffer[] body = append.body.nioBuffers();
            for (ByteBuffer part : body) {
                int partStart = part.position();
                crc.update(part);
                part.position(partStart);
            }
            RecordFrame.sealCrc(frameHeads, head, crc);
            addGather(frameHeads.slice(head, RecordFrame.HEADER_BYTES));
            for (ByteBuffer part : body) {
                addGather(part);
            }
            state.addLive(append.id, new Location(active, position, append.frameBytes()));
            return true;
        }
        LogRequest.Release release = (LogRequest.Release) request;
        Location released = state.removeLive(release.id);
        if (released == null) {
            complete(release, new IllegalArgumentException("record " + release.id
                    + " is not live: never appended, already released, or its append failed"));
            return false;
        }
        release.released = released;
        int head = RecordFrame.putHeader(frameHeads, Long.BYTES, RecordFrame.RELEASE_TYPE, release.id);
        frameHeads.putLong(released.segment().base);
        RecordFrame.startCrc(crc, frameHeads, head, RecordFrame.MIN_LENGTH + Long.BYTES);
        RecordFrame.sealCrc(frameHeads, head, crc);
        addGather(frameHeads.slice(head, RecordFrame.RELEASE_FRAME_BYTES));
        state.addRelease(active, released.segment());
        return true;
    }

    /** Reverts what staging the batch did to the live state, newest first. */
    private void unstage(Segment active) {
        for (int i = batch.size() - 1; i >= 0; i--) {
            LogRequest request = batch.get(i);
            if (request instanceof LogRequest.Release release) {
                state.removeRelease(active, release.released.segment());
                state.addLive(release.id, release.released);
            } else {
                state.removeLive(request.id);
            }
        }
    }

    private void completeBatch(long bytes) {
        failure.succeeded();
        batches++;
        bytesWritten += bytes;
        for (LogRequest request : batch) {
            if (request instanceof LogRequest.Release) {
                releasesWritten++;
            } else {
                appendsWritten++;
            }
        }
        // Before the listeners run, so that whoever they wake sees counters that include their write.
        publishMetrics();
        for (LogRequest request : batch) {
            request.discard();
            complete(request, null);
        }
        // Deleting segments takes a directory fsync; acknowledgements need not wait for it.
        for (LogRequest request : batch) {
            if (request instanceof LogRequest.Release release) {
                state.reclaim(release.released.segment());
            }
        }
        batch.clear();
    }

    private void failBatch(IOException cause) {
        for (LogRequest request : batch) {
            reject(request, cause);
        }
        batch.clear();
    }

    private boolean compactNext() {
        if (failure.refusing()) {
            return false;
        }
        Segment source = state.nextCompaction();
        if (source == null) {
            return false;
        }
        try {
            compact(source);
        } catch (IOException e) {
            // Left in place; it is queued again when more of it is released, or on the next open.
            LOG.warn("Compaction of segment {} failed", source.path, e);
        }
        return true;
    }

    private void compact(Segment source) throws IOException {
        SegmentCompactor.Plan plan = compactor.plan(source);
        if (plan.bytes() > 0) {
            long start = appendDurably(plan.frames(), plan.bytes());
            compactor.apply(plan, state.active(), start);
            bytesWritten += plan.bytes();
        } else {
            compactor.apply(plan, state.active(), 0);
        }
        segmentsCompacted++;
        failure.succeeded();
    }

    /**
     * Appends whole frames to the active segment and forces them whatever the policy: the caller deletes their
     * originals next. Returns where they start.
     */
    private long appendDurably(ByteBuffer[] frames, long bytes) throws IOException {
        if (!fits(bytes, state.active().size)) {
            roll();
        }
        Segment active = state.active();
        long start = active.size;
        try {
            writeFully(active.channel, frames, frames.length, bytes);
            active.size = start + bytes;
            force(active);
        } catch (IOException e) {
            active.size = start;
            failure.failed(e, !cutOff(active, start, e));
            throw e;
        }
        return start;
    }

    private void roll() throws IOException {
        Segment sealed = state.active();
        // Even under "never", or after deferred batches under "always": one fsync per sealed segment is cheap, and
        // close() then only has the active one to force.
        if (dirty) {
            force(sealed);
        }
        // Strictly above the sealed base, so segments created without any append in between get distinct names.
        Segment next = directory.create(Math.max(nextId.get(), sealed.base + 1));
        state.activate(next);
        dirty = false;
        sealed.closeChannel();
        state.reclaim(sealed);
    }

    private boolean fits(long frameBytes, long position) {
        // An empty segment takes any frame, so a frame larger than a (since shrunk) segment size can still be copied.
        return position == 0 || position + frameBytes <= config.segmentBytes();
    }

    private void force(Segment segment) throws IOException {
        long started = System.nanoTime();
        segment.channel.force(false);
        fsyncs++;
        dirty = false;
        lastForceNanos = System.nanoTime();
        fsyncLatency.record(lastForceNanos - started);
    }

    private void forceIfIntervalDue() {
        if (!dirty || intervalNanos == 0 || System.nanoTime() - lastForceNanos < intervalNanos || failure.refusing()) {
            return;
        }
        try {
            force(state.active());
        } catch (IOException e) {
            LOG.error("fsync of {} failed: records acknowledged since the last successful fsync may not survive a power cut",
                    state.active().path, e);
            failure.failed(e, false);
        }
    }

    private void finish() {
        Segment active = state.active();
        try {
            if (dirty) {
                force(active);
            }
            directory.sync();
        } catch (IOException e) {
            closeFailure = e;
        }
        for (Segment segment : state.segments()) {
            try {
                segment.closeChannel();
            } catch (IOException e) {
                if (closeFailure == null && segment == active) {
                    closeFailure = e;
                }
            }
        }
        publishMetrics();
    }

    private void idle() {
        parked = true;
        try {
            if (!queue.isEmpty() || closing) {
                return;
            }
            if (dirty && intervalNanos > 0) {
                LockSupport.parkNanos(this, lastForceNanos + intervalNanos - System.nanoTime());
            } else {
                LockSupport.park(this);
            }
        } finally {
            parked = false;
        }
    }

    private LogRequest takeRequest() {
        LogRequest request = carried;
        if (request != null) {
            carried = null;
            return request;
        }
        return queue.relaxedPoll();
    }

    private void addGather(ByteBuffer buffer) {
        if (gatherCount == gather.length) {
            gather = Arrays.copyOf(gather, gatherCount * 2);
        }
        gather[gatherCount++] = buffer;
    }

    private static void writeFully(FileChannel channel, ByteBuffer[] buffers, int count, long bytes) throws IOException {
        int first = 0;
        long remaining = bytes;
        while (remaining > 0) {
            remaining -= channel.write(buffers, first, count - first);
            while (first < count && !buffers[first].hasRemaining()) {
                first++;
            }
        }
    }

    /** Cuts a failed write off the end of the segment; false if that failed too. */
    private boolean cutOff(Segment segment, long size, IOException cause) {
        try {
            segment.channel.truncate(size);
            segment.channel.position(size);
            return true;
        } catch (IOException e) {
            cause.addSuppressed(e);
            return false;
        }
    }

    private void refuseQueued(LogRequest first) {
        LogRequest request = first;
        do {
            if (request instanceof LogRequest.Read read) {
                // What was written can still be read back while writes are refused.
                reader.serve(read);
            } else {
                reject(request, failure.refusal());
            }
        } while ((request = takeRequest()) != null);
    }

    private void failStragglers() {
        // Once the writer has stopped consuming, whoever holds this lock is the queue's single consumer.
        synchronized (queue) {
            LogRequest request;
            while ((request = queue.poll()) != null) {
                reject(request, closeFailure != null ? closeFailure : new LogClosedException("log in " + directory.path + " is closed"));
            }
        }
    }

    /** Releases the request's body before telling its listener, so a failure is only seen once it is clean. */
    private void reject(LogRequest request, Throwable cause) {
        request.discard();
        complete(request, cause);
    }

    private static void complete(LogRequest request, Throwable failure) {
        try {
            request.listener.onComplete(request.id, failure);
        } catch (RuntimeException e) {
            LOG.warn("Write listener for record {} threw", request.id, e);
        }
    }

    private void publishMetrics() {
        liveRecords = state.liveRecords();
        segments = state.segments().size();
        segmentsDeleted = state.segmentsDeleted();
    }
}
