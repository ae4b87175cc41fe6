package dev.junction.core.store.log;

import java.util.List;

/**
 * What opening a log found.
 *
 * @param segments        segment files scanned
 * @param liveRecords     records handed to the {@link RecoveryVisitor}
 * @param releasedRecords release records found (each hides one record from the visitor)
 * @param damage          every torn tail cut off and every corrupt stretch skipped, in file order
 */
public record RecoveryReport(int segments, long liveRecords, long releasedRecords, List<LogDamage> damage) {

    public RecoveryReport {
        damage = List.copyOf(damage);
    }

    public boolean clean() {
        return damage.isEmpty();
    }
}
