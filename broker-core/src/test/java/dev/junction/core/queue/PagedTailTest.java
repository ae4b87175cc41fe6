package dev.junction.core.queue;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PagedTailTest {

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void aPagedMessageCostsUnderFortyBytes() {
        PagedTail tail = new PagedTail();
        int count = 100_000;
        long before = allocatedBytes();
        for (int i = 0; i < count; i++) {
            tail.append(i, 1_000_000 + i, 1024, PagedTail.EXPIRES, 1, i * 7L, null);
        }
        long perMessage = (allocatedBytes() - before) / count;
        assertTrue(perMessage <= 40, perMessage + " bytes per paged message");
    }

    @Test
    void slotsKeepTheirFieldsInOrderAcrossBlocksAndGrowth() {
        PagedTail tail = new PagedTail();
        Object held = new Object();
        for (int i = 0; i < 5_000; i++) {
            tail.append(i, 10L * i, i, i % 2 == 0 ? PagedTail.REDELIVERED : PagedTail.PAGE_RECORD, i % 4 - 1, -i,
                    i == 4_999 ? held : null);
        }
        for (int i = 0; i < 3_000; i++) {
            assertEquals(i, tail.entryId(tail.head()));
            tail.removeHead();
        }
        for (int i = 5_000; i < 9_000; i++) {
            tail.append(i, 10L * i, i, 0, i % 4 - 1, -i, null);
        }
        for (int i = 3_000; i < 9_000; i++) {
            long seq = tail.head();
            assertEquals(i, tail.entryId(seq));
            assertEquals(10L * i, tail.recordId(seq));
            assertEquals(i, tail.bodySize(seq));
            assertEquals(-i, tail.expiresAtNanos(seq));
            assertEquals(i < 5_000 && i % 2 == 0, tail.has(seq, PagedTail.REDELIVERED));
            assertEquals(i < 5_000 && i % 2 == 1, tail.has(seq, PagedTail.PAGE_RECORD));
            assertEquals(i == 4_999, tail.held(seq) == held);
            assertEquals(i % 4 - 1, tail.grantedQos(seq), "the granted QoS, -1 for none");
            tail.removeHead();
        }
        assertTrue(tail.isEmpty());
    }

    @Test
    void goneSlotsAreSkippedAtTheHeadAndSequenceNumbersNeverComeBack() {
        PagedTail tail = new PagedTail();
        long first = tail.append(1, 1, 1, 0, -1, 0, null);
        long second = tail.append(2, 2, 1, 0, -1, 0, null);
        long third = tail.append(3, 3, 1, 0, -1, 0, null);
        tail.set(second, PagedTail.GONE, true);
        tail.removeHead();
        assertEquals(third, tail.head());
        assertFalse(tail.contains(first));
        tail.removeHead();
        assertTrue(tail.isEmpty());
        long next = tail.append(4, 4, 1, 0, -1, 0, null);
        assertTrue(next > third);
        assertFalse(tail.contains(third));
        assertNull(tail.held(next));
        tail.clear();
        assertFalse(tail.contains(next));
    }
}
