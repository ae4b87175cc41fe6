package dev.junction.core.store.log;

/** Where the frame of a live record sits. */
record Location(Segment segment, long position, int frameBytes) {
}
