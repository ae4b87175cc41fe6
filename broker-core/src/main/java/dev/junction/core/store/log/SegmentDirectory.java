package dev.junction.core.store.log;

import dev.junction.core.store.OwnerOnly;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The directory holding the segment files: naming, creation, deletion, mapping, and making those durable. */
final class SegmentDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentDirectory.class);

    final Path path;
    /** Whether creations and deletions are made durable with a directory fsync (not under {@code never}). */
    private final boolean syncEntries;

    SegmentDirectory(Path path, boolean syncEntries) throws IOException {
        this.path = path;
        this.syncEntries = syncEntries;
        OwnerOnly.createDirectories(path);
    }

    /** Bases of the segment files present, ascending. Other files are ignored. */
    List<Long> bases() throws IOException {
        List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(path, "*" + Segment.SUFFIX)) {
            for (Path file : files) {
                long base = Segment.parseBase(file.getFileName().toString());
                if (base >= 0) {
                    bases.add(base);
                }
            }
        }
        Collections.sort(bases);
        return bases;
    }

    Path fileOf(long base) {
        return path.resolve(Segment.fileName(base));
    }

    /** Creates an empty segment, open for appending. */
    Segment create(long base) throws IOException {
        Segment segment = new Segment(base, fileOf(base), 0);
        segment.channel = OwnerOnly.open(segment.path, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
        try {
            syncEntries();
        } catch (IOException e) {
            segment.closeChannel();
            throw e;
        }
        return segment;
    }

    /** Opens an existing segment for appending at its recovered size. */
    void openForAppend(Segment segment) throws IOException {
        segment.channel = FileChannel.open(segment.path, StandardOpenOption.WRITE);
        segment.channel.position(segment.size);
    }

    /** Maps the first {@code bytes} of a segment file read-only. */
    MappedByteBuffer map(Path file, long bytes) throws IOException {
        if (bytes > Integer.MAX_VALUE) {
            throw new IOException("segment file " + file + " is " + bytes + " bytes, more than the 2 GiB a segment may hold");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes);
        }
    }

    void truncate(Path file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(bytes);
            channel.force(true);
        }
    }

    /**
     * Deletes a segment file and makes the deletion durable before returning, so that no release record that hid
     * one of its records can be deleted while the file could still reappear after a power cut. Returns false (and
     * logs) if it could not; the segment is then left for the next open to retry.
     */
    boolean delete(Segment segment) {
        try {
            segment.closeChannel();
            Files.deleteIfExists(segment.path);
            sync();
            return true;
        } catch (IOException e) {
            LOG.warn("Could not delete dead segment {}; it will be retried when the log is next opened", segment.path, e);
            return false;
        }
    }

    private void syncEntries() throws IOException {
        if (syncEntries) {
            sync();
        }
    }

    /** Makes the directory's entries (creations, deletions) durable. */
    void sync() throws IOException {
        try (FileChannel dir = FileChannel.open(path, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
