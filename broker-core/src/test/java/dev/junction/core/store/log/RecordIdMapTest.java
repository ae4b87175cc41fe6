package dev.junction.core.store.log;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class RecordIdMapTest {
    @Test
    void idsComeBackAsTheyWerePut() {
        RecordIdMap<String> map = new RecordIdMap<>();
        long[] ids = {0, 1, 2, 1L << 40, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        for (long id : ids) {
            assertNull(map.put(id, "v" + id));
        }
        assertEquals("v" + (1L << 40), map.get(1L << 40));
        long[] listed = map.ids();
        Arrays.sort(listed);
        long[] expected = ids.clone();
        Arrays.sort(expected);
        assertArrayEquals(expected, listed);
        assertEquals("v2", map.remove(2));
        assertNull(map.get(2));
        assertEquals(ids.length - 1, map.size());
    }

    /** What a consumer draining a recovered backlog does: the releases used to take quadratic time. */
    @Test
    void releasingALongRunOfConsecutiveIdsInOrderIsLinear() {
        int count = 500_000;
        RecordIdMap<Object> map = new RecordIdMap<>();
        Object value = new Object();
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            for (long id = 0; id < count; id++) {
                map.put(id, value);
            }
            for (long id = 0; id < count; id++) {
                map.remove(id);
            }
        });
        assertEquals(0, map.size());
    }
}
