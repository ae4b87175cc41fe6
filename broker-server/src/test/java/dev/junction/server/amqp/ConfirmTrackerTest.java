package dev.junction.server.amqp;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ConfirmTrackerTest {
    private final List<String> sent = new ArrayList<>();
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
    private final ConfirmTracker confirms = new ConfirmTracker(new ConfirmTracker.Sink() {
        @Override
        public void ack(long sequence, boolean multiple) {
            sent.add("ack " + sequence + (multiple ? " multiple" : ""));
        }

        @Override
        public void nack(long sequence) {
            sent.add("nack " + sequence);
        }
    }, loop::add);

    private void runLoop() {
        while (!loop.isEmpty()) {
            loop.poll().run();
        }
    }

    @Test
    void sequenceNumbersCountPublishesFromOne() {
        assertEquals(1, confirms.next());
        assertEquals(2, confirms.next());
        assertEquals(3, confirms.next());
    }

    @Test
    void acksSettledInOneLoopTurnGoOutAsOneMultipleAck() {
        long first = confirms.next();
        long second = confirms.next();
        long third = confirms.next();
        confirms.settled(first, true);
        confirms.settled(second, true);
        confirms.settled(third, true);
        assertEquals(List.of(), sent);

        runLoop();

        assertEquals(List.of("ack 3 multiple"), sent);
    }

    @Test
    void anAckWaitsForEveryEarlierPublish() {
        long first = confirms.next();
        long second = confirms.next();
        confirms.settled(second, true);
        runLoop();
        assertEquals(List.of(), sent);

        confirms.settled(first, true);
        runLoop();

        assertEquals(List.of("ack 2 multiple"), sent);
    }

    @Test
    void aNackGoesOutAtOnceAndReleasesTheAcksAfterIt() {
        long first = confirms.next();
        long second = confirms.next();
        confirms.settled(second, true);
        confirms.settled(first, false);
        assertEquals(List.of("nack 1"), sent);

        runLoop();

        assertEquals(List.of("nack 1", "ack 2"), sent);
    }

    @Test
    void aSequenceIsSettledOnlyOnce() {
        long first = confirms.next();
        confirms.settled(first, true);
        confirms.settled(first, false);
        runLoop();

        assertEquals(List.of("ack 1"), sent);
    }
}
