package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.Basic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryLedgerTest {
    private final DeliveryLedger ledger = new DeliveryLedger();

    private Unacked delivered(boolean inFlight) {
        Unacked delivery = new Unacked(ledger.nextDeliveryTag(), null, 0, inFlight);
        ledger.track(delivery);
        return delivery;
    }

    private static List<Long> tags(List<Unacked> deliveries) {
        return deliveries.stream().map(Unacked::deliveryTag).toList();
    }

    @Test
    void deliveryTagsCountFromOne() {
        assertEquals(1, ledger.nextDeliveryTag());
        assertEquals(2, ledger.nextDeliveryTag());
    }

    @Test
    void globalPrefetchLimitsClaimsUntilOneIsSettled() {
        ledger.globalPrefetch(2);
        assertTrue(ledger.claim());
        assertTrue(ledger.claim());
        assertFalse(ledger.claim());
        assertFalse(ledger.belowGlobalPrefetch());
        Unacked first = delivered(true);
        delivered(true);

        ledger.settled(ledger.take(first.deliveryTag(), false, new Basic.Ack(first.deliveryTag(), false)).get(0));

        assertTrue(ledger.belowGlobalPrefetch());
        assertTrue(ledger.claim());
        assertFalse(ledger.claim());
    }

    @Test
    void noGlobalPrefetchMeansNoLimit() {
        for (int i = 0; i < 10_000; i++) {
            assertTrue(ledger.claim());
        }
        assertTrue(ledger.belowGlobalPrefetch());
    }

    @Test
    void unclaimGivesTheReservationBack() {
        ledger.globalPrefetch(1);
        assertTrue(ledger.claim());
        assertTrue(ledger.holdsDeliveries());
        ledger.unclaim();
        assertFalse(ledger.holdsDeliveries());
        assertTrue(ledger.claim());
    }

    @Test
    void basicGetResultsDoNotCountAgainstTheGlobalPrefetch() {
        ledger.globalPrefetch(1);
        assertTrue(ledger.claim());
        Unacked consumed = delivered(true);
        Unacked fetched = delivered(false);

        ledger.settled(ledger.take(fetched.deliveryTag(), false, new Basic.Ack(0, false)).get(0));
        assertFalse(ledger.claim());

        ledger.settled(ledger.take(consumed.deliveryTag(), false, new Basic.Ack(0, false)).get(0));
        assertTrue(ledger.claim());
    }

    @Test
    void multipleTakesEveryTagUpToTheGivenOne() {
        delivered(false);
        delivered(false);
        delivered(false);

        assertEquals(List.of(1L, 2L), tags(ledger.take(2, true, new Basic.Ack(2, true))));
        assertEquals(1, ledger.unackedCount());
    }

    @Test
    void multipleWithTagZeroTakesEverything() {
        delivered(false);
        delivered(false);

        assertEquals(List.of(1L, 2L), tags(ledger.take(0, true, new Basic.Ack(0, true))));
        assertEquals(0, ledger.unackedCount());
        assertFalse(ledger.holdsDeliveries());
    }

    @Test
    void anUnknownOrAlreadySettledTagIsPreconditionFailed() {
        delivered(false);
        ledger.take(1, false, new Basic.Ack(1, false));

        for (boolean multiple : new boolean[]{false, true}) {
            AmqpError error = assertThrows(AmqpError.class,
                    () -> ledger.take(1, multiple, new Basic.Ack(1, multiple)));
            assertFalse(error.isHard());
            assertEquals(AmqpConstants.PRECONDITION_FAILED, error.replyCode());
            assertTrue(error.replyText().endsWith("unknown delivery tag 1"), error.replyText());
        }
    }

    @Test
    void restoredDeliveriesAreUnacknowledgedAgainUnderTheirOldTags() {
        delivered(false);
        delivered(false);
        List<Unacked> taken = ledger.takeAll();
        assertEquals(0, ledger.unackedCount());

        ledger.restore(taken);

        assertEquals(List.of(2L), tags(ledger.take(2, false, new Basic.Ack(2, false))));
        assertEquals(List.of(1L), tags(ledger.takeAll()));
        assertEquals(3, ledger.nextDeliveryTag());
    }
}
