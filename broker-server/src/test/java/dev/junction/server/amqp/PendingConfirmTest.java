package dev.junction.server.amqp;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingConfirmTest {
    private final List<String> outcomes = new ArrayList<>();
    private final ArrayDeque<Runnable> loop = new ArrayDeque<>();
    private final PendingConfirm pending = new PendingConfirm(7, loop::add,
            (sequence, accepted) -> outcomes.add(sequence + (accepted ? " ack" : " nack")));

    private void runLoop() {
        while (!loop.isEmpty()) {
            loop.poll().run();
        }
    }

    @Test
    void settlesOnceEveryQueueAndTheStoreAnsweredAfterTheRouteIsKnown() {
        assertTrue(pending.published(2));
        pending.accept(true);
        pending.stored(null);
        runLoop();
        assertEquals(List.of(), outcomes);

        pending.accept(true);
        runLoop();

        assertEquals(List.of("7 ack"), outcomes);
    }

    @Test
    void answersBeforeTheRouteIsKnownSettleWhenItIs() {
        pending.accept(true);
        pending.stored(null);
        runLoop();
        assertEquals(List.of(), outcomes);

        assertTrue(pending.published(1));

        assertEquals(List.of("7 ack"), outcomes);
        runLoop();
        assertEquals(List.of("7 ack"), outcomes);
    }

    @Test
    void oneRefusingQueueOrAFailedStoreNacks() {
        pending.published(2);
        pending.accept(true);
        pending.accept(false);
        pending.stored(null);
        runLoop();

        assertEquals(List.of("7 nack"), outcomes);
    }

    @Test
    void aFailedStoreNacks() {
        pending.published(1);
        pending.accept(true);
        pending.stored(new IllegalStateException("disk full"));
        runLoop();

        assertEquals(List.of("7 nack"), outcomes);
    }

    @Test
    void aPublishNoQueueTookIsLeftToThePublisher() {
        assertFalse(pending.published(0));
        runLoop();

        assertEquals(List.of(), outcomes);
    }
}
