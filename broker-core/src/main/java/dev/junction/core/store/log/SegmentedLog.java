package dev.junction.core.store.log;

import dev.junction.core.metrics.LatencyHistogram;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only log of records in a directory of segment files, with group commit, release of records, deletion
 * and compaction of segments, and crash recovery. See {@code docs/durability.md} for the format and guarantees.
 *
 * <p>{@link #append} and {@link #release} may be called from any thread and never block; outcomes arrive through a
 * {@link WriteListener} on the writer thread. Requests from one thread are written in the order they were made,
 * and a record's id is assigned in that order too.
 */
public final class SegmentedLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);
    private static final WriteListener LOG_FAILURE = (recordId, failure) -> {
        if (failure != null) {
            LOG.warn("Release of record {} was not written", recordId, failure);
        }
    };

    private final LogConfig config;
    private final LogWriter writer;
    private final AtomicLong nextId;
    private final RecoveryReport recoveryReport;

    private SegmentedLog(LogConfig config, LogWriter writer, AtomicLong nextId, RecoveryReport recoveryReport) {
        this.config = config;
        this.writer = writer;
        this.nextId = nextId;
        this.recoveryReport = recoveryReport;
    }

    /**
     * Opens (or creates) the log in {@code config.directory()}, recovering it first: every live record is handed to
     * {@code visitor}, in ascending id order, before this returns. Torn tails are cut off and corrupt stretches
     * skipped; both are in {@link #recoveryReport()}.
     *
     * @throws IOException if the directory or a segment cannot be read, or a file cannot be repaired
     */
    public static SegmentedLog open(LogConfig config, RecoveryVisitor visitor) throws IOException {
        SegmentDirectory directory = new SegmentDirectory(config.directory(), !(config.fsync() instanceof FsyncPolicy.Never));
        LogRecovery.Result recovered = LogRecovery.recover(directory, config, visitor);
        AtomicLong nextId = new AtomicLong(recovered.nextId());
        LogWriter writer = new LogWriter(config, directory, recovered.state(), nextId);
        for (Segment segment : recovered.superseded()) {
            writer.compactNow(segment);
        }
        writer.start();
        return new SegmentedLog(config, writer, nextId, recovered.report());
    }

    /**
     * Appends a record and returns its id (unique in this log, forever). {@code listener} learns when the record is
     * durable as the fsync policy promises, or that it failed and left no trace.
     */
    public long append(byte type, ByteBuf body, WriteListener listener) {
        return append(type, body, Durability.REQUIRED, listener);
    }

    /**
     * Appends a record and returns its id (unique in this log, forever). {@code listener} learns when the record is
     * written as {@code durability} asks, or that it failed and left no trace.
     *
     * @param type 0..127, for the caller to tell its records apart; negative types are the log's own
     * @param body the log takes over one reference and releases it once written (or failed); retain a duplicate
     *             to keep using it, and do not modify its readable bytes until the listener has been called
     * @throws IllegalArgumentException for a negative type or a body too large for a segment (the body is released)
     */
    public long append(byte type, ByteBuf body, Durability durability, WriteListener listener) {
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(listener, "listener");
        if (type < 0) {
            body.release();
            throw new IllegalArgumentException("record type must be 0..127, got " + type + " (negative types are reserved)");
        }
        if (body.readableBytes() > config.segmentBytes() - RecordFrame.HEADER_BYTES) {
            int bytes = body.readableBytes();
            body.release();
            throw new IllegalArgumentException("record body of " + bytes + " bytes does not fit a segment of "
                    + config.segmentBytes() + " bytes (" + RecordFrame.HEADER_BYTES + " bytes go to the record header)");
        }
        long id = nextId.getAndIncrement();
        writer.submit(new LogRequest.Append(type, id, body, durability, listener));
        return id;
    }

    /**
     * Marks a record dead by appending a release record; once durable, the record is never handed to a recovery
     * visitor again, and segments left without live records are deleted. Releasing an id that is not live fails the
     * listener with {@link IllegalArgumentException}. A release may be requested before the append is acknowledged.
     * {@code listener} learns when the release is durable as the fsync policy promises.
     */
    public void release(long recordId, WriteListener listener) {
        writer.submit(new LogRequest.Release(recordId, Durability.REQUIRED, Objects.requireNonNull(listener, "listener")));
    }

    /**
     * A {@link Durability#DEFERRED} release that no one waits for (its failure is only logged): lost to a power cut,
     * it lets its record come back at the next recovery.
     */
    public void release(long recordId) {
        writer.submit(new LogRequest.Release(recordId, Durability.DEFERRED, LOG_FAILURE));
    }

    /**
     * Reads back the bodies of live records, after every append requested before this call from this thread.
     * Served by the writer thread (between batches, so writes wait while it reads): meant for bounded batches.
     */
    public void read(long[] recordIds, ReadListener listener) {
        writer.submit(new LogRequest.Read(recordIds, Objects.requireNonNull(listener, "listener")));
    }

    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    public LogMetrics metrics() {
        return writer.metrics();
    }

    /** How long each data fsync took. */
    public LatencyHistogram fsyncLatency() {
        return writer.fsyncLatency();
    }

    /**
     * Writes every request already made, forces the files and closes them. Requests made afterwards fail with
     * {@link LogClosedException}. Must not be called from a {@link WriteListener}.
     *
     * @throws IOException if the final fsync failed
     */
    @Override
    public void close() throws IOException {
        writer.close();
    }
}
