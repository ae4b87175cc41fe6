package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeliveryWindowTest {
    @Test
    void publishersWaitUntilHalfTheWindowIsReceivedByEverySubscriber() {
        DeliveryWindow window = new DeliveryWindow(2, 4, 8);
        AtomicInteger wakes = new AtomicInteger();
        for (int i = 0; i < 4; i++) {
            assertTrue(window.tryAcquire(wakes::incrementAndGet));
        }
        assertFalse(window.tryAcquire(wakes::incrementAndGet));

        window.recordDelivery();
        window.recordDelivery();
        assertEquals(0, wakes.get(), "one message received is not yet half the window");
        window.recordDelivery();
        window.recordDelivery();
        assertEquals(1, wakes.get(), "two messages received by both subscribers: half the window is free");
        assertTrue(window.tryAcquire(wakes::incrementAndGet));
        assertEquals(5, window.sent());
    }

    @Test
    void aFractionalFanOutKeepsTheWindowExactlyAsWideAsAsked() {
        // 100 messages, 150 deliveries: 1.5 per message on average. A fan-out rounded down to 1 would count the
        // 15 deliveries of 10 messages as 15 messages received and let the publisher 5 messages further ahead.
        DeliveryWindow window = DeliveryWindow.averaging(100, 150, 10);
        assertEquals(10, acquireAll(window));
        for (int i = 0; i < 15; i++) {
            window.recordDelivery();
        }
        assertEquals(10, acquireAll(window));
        assertEquals(20, window.sent());
    }

    private static int acquireAll(DeliveryWindow window) {
        int acquired = 0;
        while (window.tryAcquire(() -> { })) {
            acquired++;
        }
        return acquired;
    }

    @Test
    void completesAfterTheExpectedDeliveries() {
        DeliveryWindow window = new DeliveryWindow(1, 10, 2);
        window.tryAcquire(() -> { });
        window.tryAcquire(() -> { });
        window.recordDelivery();
        assertFalse(window.allDelivered().isDone());
        window.recordDelivery();
        assertTrue(window.allDelivered().isDone());
        assertEquals(2, window.delivered());
        assertTrue(window.elapsedNanos() >= 0);
    }

    @Test
    void aFailedConnectionEndsTheWait() {
        DeliveryWindow window = new DeliveryWindow(1, 10, 2);
        window.abort(new IllegalStateException("closed"));
        assertTrue(window.allDelivered().isCompletedExceptionally());
    }
}
