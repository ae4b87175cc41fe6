package dev.junction.server.mqtt;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Outbound QoS 2 identifiers recovered after a restart, by the store record id of the message each carried: when
 * that message is delivered again it goes out with its old identifier (and DUP), which stays reserved until then,
 * so the client never takes a new message for a resend it already has. Owned by its session's loop.
 */
final class ResumedPacketIds {
    static final ResumedPacketIds NONE = new ResumedPacketIds(Map.of());

    private final Map<Long, Integer> byRecordId;
    private final Set<Integer> reserved;

    private ResumedPacketIds(Map<Long, Integer> byRecordId) {
        this.byRecordId = byRecordId;
        this.reserved = new HashSet<>(byRecordId.values());
    }

    static ResumedPacketIds of(Map<Long, Integer> byRecordId) {
        return byRecordId.isEmpty() ? NONE : new ResumedPacketIds(new HashMap<>(byRecordId));
    }

    boolean isEmpty() {
        return byRecordId.isEmpty();
    }

    boolean isReserved(int packetId) {
        return !reserved.isEmpty() && reserved.contains(packetId);
    }

    int reservedCount() {
        return reserved.size();
    }

    /** A copy of the identifiers still reserved. */
    Set<Integer> reservedPacketIds() {
        return new HashSet<>(reserved);
    }

    /** The identifier the message with this record id went out with, now no longer reserved; 0 if none. */
    int take(long recordId) {
        if (byRecordId.isEmpty()) {
            return 0;
        }
        Integer packetId = byRecordId.remove(recordId);
        if (packetId == null) {
            return 0;
        }
        reserved.remove(packetId);
        return packetId;
    }
}
