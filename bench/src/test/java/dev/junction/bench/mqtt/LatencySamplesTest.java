package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencySamplesTest {
    @Test
    void nearestRankPercentilesOfWhatFollowsTheWarmup() {
        LatencySamples samples = new LatencySamples(1000, 5);
        for (int i = 0; i < 5; i++) {
            samples.record(1_000_000_000L);
        }
        for (int i = 1000; i >= 1; i--) {
            samples.record(i);
        }
        assertEquals(1000, samples.count());
        assertArrayEquals(new long[] {500, 990, 999, 1000, 1}, samples.percentiles(50, 99, 99.9, 100, 0));
    }

    @Test
    void keepsNoMoreThanItsCapacityAndReportsZerosWhenEmpty() {
        LatencySamples samples = new LatencySamples(2, 0);
        assertArrayEquals(new long[] {0}, samples.percentiles(99));
        samples.record(7);
        samples.record(8);
        samples.record(9);
        assertEquals(2, samples.count());
        assertArrayEquals(new long[] {8}, samples.percentiles(100));
    }
}
