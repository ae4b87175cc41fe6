package dev.junction.core.store.log;

/**
 * A snapshot of a log's counters, for metrics and tests. Counts are since the log was opened.
 *
 * @param fsyncs            data fsyncs ({@code FileChannel.force}) of segment files; directory syncs not included
 * @param batches           group-commit batches written
 * @param unforcedBatches   batches not forced when written: under {@code always} those holding only
 *                          {@link Durability#DEFERRED} requests (a later fsync covers them), under {@code interval}
 *                          and {@code never} every batch
 * @param appendsWritten    records appended by callers (compaction copies not included)
 * @param releasesWritten   release records written
 * @param bytesWritten      bytes written to segment files, compaction copies included
 * @param liveRecords       records appended and not released
 * @param segments          segment files, the active one included
 * @param segmentsDeleted   segment files deleted, compacted ones included
 * @param segmentsCompacted segments whose live records were copied forward
 * @param writable          false while the log refuses writes after an I/O failure
 */
public record LogMetrics(long fsyncs, long batches, long unforcedBatches, long appendsWritten, long releasesWritten,
                         long bytesWritten, long liveRecords, int segments, long segmentsDeleted,
                         long segmentsCompacted, boolean writable) {
}
