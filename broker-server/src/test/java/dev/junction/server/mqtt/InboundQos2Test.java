package dev.junction.server.mqtt;

import dev.junction.core.store.StoreListener;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InboundQos2Test {
    private final AtomicInteger storedCalls = new AtomicInteger();
    private final StoreListener counting = failure -> storedCalls.incrementAndGet();

    @Test
    void aReceivedIdAwaitsPubRelUntilReleased() {
        InboundQos2 state = new InboundQos2("c", null, Set.of(), () -> true);
        assertFalse(state.awaitsPubRel(7));
        state.received(7, counting);
        assertTrue(state.awaitsPubRel(7));
        assertFalse(state.awaitsPubRel(8));
        state.released(7, counting);
        assertFalse(state.awaitsPubRel(7));
        assertEquals(2, storedCalls.get(), "a clean session's changes are complete at once");
    }

    @Test
    void releasingAnUnknownIdStillCompletes() {
        InboundQos2 state = new InboundQos2("c", null, Set.of(), () -> true);
        state.released(3, counting);
        assertEquals(1, storedCalls.get());
        assertEquals(Set.of(), state.awaitingPubRel());
    }

    @Test
    void recoveredIdsAwaitPubRelAndClearEndsThem() {
        InboundQos2 state = new InboundQos2("c", null, Set.of(1, 2), () -> true);
        assertTrue(state.awaitsPubRel(1));
        assertEquals(Set.of(1, 2), state.awaitingPubRel());
        state.clear();
        assertFalse(state.awaitsPubRel(2));
        assertEquals(Set.of(), state.awaitingPubRel());
    }

    @Test
    void useOffTheOwnerThreadIsRefused() {
        InboundQos2 state = new InboundQos2("c", null, Set.of(), () -> false);
        assertThrows(AssertionError.class, () -> state.awaitsPubRel(1));
    }
}
