package dev.junction.server.amqp;

import java.util.TreeSet;
import java.util.concurrent.Executor;

/**
 * Publisher confirms of one channel (event loop only). Sequence numbers count publishes from 1 after
 * confirm.select. A nack goes out at once; acks are held until every earlier publish is settled and until the
 * loop has run what it has queued (the settling of the rest of a read batch, when its queues are on this loop), so
 * a run of them goes out as one basic.ack with multiple set.
 */
final class ConfirmTracker {
    interface Sink {
        void ack(long sequence, boolean multiple);

        void nack(long sequence);
    }

    private final Sink sink;
    private final Executor loop;
    private final Runnable flushAcks = this::flushAcks;
    private boolean flushScheduled;
    private final TreeSet<Long> outstanding = new TreeSet<>();
    private final TreeSet<Long> ackedUnsent = new TreeSet<>();
    private long lastSequence;

    ConfirmTracker(Sink sink, Executor loop) {
        this.sink = sink;
        this.loop = loop;
    }

    long next() {
        outstanding.add(++lastSequence);
        return lastSequence;
    }

    void settled(long sequence, boolean accepted) {
        if (!outstanding.remove(sequence)) {
            return;
        }
        if (accepted) {
            ackedUnsent.add(sequence);
        } else {
            sink.nack(sequence);
        }
        if (!ackedUnsent.isEmpty() && !flushScheduled) {
            flushScheduled = true;
            loop.execute(flushAcks);
        }
    }

    private void flushAcks() {
        flushScheduled = false;
        if (ackedUnsent.isEmpty()) {
            return;
        }
        Long firstOutstanding = outstanding.isEmpty() ? null : outstanding.first();
        var sendable = firstOutstanding == null ? ackedUnsent : ackedUnsent.headSet(firstOutstanding, false);
        if (sendable.isEmpty()) {
            return;
        }
        long highest = sendable.last();
        boolean multiple = sendable.size() > 1;
        sendable.clear();
        sink.ack(highest, multiple);
    }
}
