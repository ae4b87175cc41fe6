package dev.junction.server.limits;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishRateTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aSecondsWorthGoesAtOnceThenOneTokenPerInterval() {
        PublishRate rate = new PublishRate(10, 0);
        for (int i = 0; i < 9; i++) {
            assertEquals(0, rate.take(0), "message " + i + " of the first second's burst");
        }
        assertEquals(SECOND / 10, rate.take(0), "the tenth empties the bucket: a tenth of a second to the next");
        assertEquals(0, rate.waitNanos(SECOND / 10));
        assertEquals(SECOND / 10, rate.take(SECOND / 10));
    }

    @Test
    void messagesTakenInDebtLengthenTheWait() {
        PublishRate rate = new PublishRate(10, 0);
        for (int i = 0; i < 15; i++) {
            rate.take(0);
        }
        assertEquals(6 * SECOND / 10, rate.waitNanos(0), "five in debt, and one more token wanted");
    }

    @Test
    void anIdleConnectionSavesNoMoreThanOneSecondsWorth() {
        PublishRate rate = new PublishRate(5, 0);
        long later = 60 * SECOND;
        int free = 0;
        while (rate.take(later) == 0) {
            free++;
        }
        assertEquals(4, free, "five in the bucket: four leave it non-empty, the fifth empties it");
        assertTrue(rate.waitNanos(later) > 0);
    }
}
