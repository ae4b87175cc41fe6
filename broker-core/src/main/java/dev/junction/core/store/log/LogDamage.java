package dev.junction.core.store.log;

import java.nio.file.Path;

/**
 * A stretch of a segment file that did not hold valid records when the log was opened.
 *
 * @param offset byte offset in {@code file} where the damage starts
 * @param length bytes skipped or cut off
 * @param detail what was wrong with the first frame of the stretch
 */
public record LogDamage(Path file, long offset, long length, Kind kind, String detail) {

    public enum Kind {
        /** Bytes after the last valid record of a file (an interrupted write): cut off. */
        TORN_TAIL_TRUNCATED,
        /** Bytes between two valid records: skipped, left in place, and reported again on every open until compacted away. */
        CORRUPT_RECORD_SKIPPED
    }

    @Override
    public String toString() {
        return kind + " in " + file + " at offset " + offset + " (" + length + " bytes): " + detail;
    }
}
