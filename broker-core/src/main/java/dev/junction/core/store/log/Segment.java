package dev.junction.core.store.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * One segment file and its liveness accounting. Confined to the writer thread (or to the opening thread before the
 * writer starts).
 *
 * <p>A segment is named by its base: a value no smaller than every record id assigned before it was created, which
 * keeps ids unique across restarts even after every segment holding them has been deleted.
 */
final class Segment {

    static final String SUFFIX = ".seg";

    final long base;
    final Path path;
    /** Bytes of the file that hold frames (or skipped damage); the next append goes here. */
    long size;
    /** Live data records plus release records still needed to hide a record in another segment. */
    int liveRecords;
    long liveBytes;
    /**
     * Segments holding live release records that hide records of this one, with how many. Those release records
     * stop being needed the moment this segment is deleted.
     */
    final Map<Segment, Integer> releaseHolders = new HashMap<>();
    boolean awaitingCompaction;
    boolean deleted;
    /** Open only while this is the active segment. */
    FileChannel channel;
    /** Opened on the first read back of one of its records; closed with the segment. */
    private FileChannel reader;

    Segment(long base, Path path, long size) {
        this.base = base;
        this.path = path;
        this.size = size;
    }

    static String fileName(long base) {
        return String.format("%020d%s", base, SUFFIX);
    }

    /** The base encoded in a segment file name, or -1 if {@code name} is not one. */
    static long parseBase(String name) {
        if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < 20; i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(name, 0, 20, 10);
        } catch (NumberFormatException tooLarge) {
            return -1;
        }
    }

    boolean belowThreshold(double threshold) {
        return liveBytes < threshold * size;
    }

    FileChannel reader() throws IOException {
        if (reader == null) {
            reader = FileChannel.open(path, StandardOpenOption.READ);
        }
        return reader;
    }

    void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        closeReader();
    }

    void closeReader() throws IOException {
        if (reader != null) {
            reader.close();
            reader = null;
        }
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
