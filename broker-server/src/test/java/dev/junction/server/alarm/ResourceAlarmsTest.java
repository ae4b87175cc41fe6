package dev.junction.server.alarm;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The alarms' bookkeeping, driven check by check: the timer never fires within a test. */
class ResourceAlarmsTest {
    private static final Duration NEVER = Duration.ofHours(1);

    private final List<String> events = new ArrayList<>();
    private final ResourceAlarms.Publishers publishers = new ResourceAlarms.Publishers() {
        @Override
        public void block(String reason) {
            events.add("block: " + reason);
        }

        @Override
        public void unblock() {
            events.add("unblock");
        }
    };
    private String disk;
    private String memory;
    private ResourceAlarms alarms;

    @AfterEach
    void stop() {
        if (alarms != null) {
            alarms.close();
        }
    }

    @Test
    void publishersAreHeldFromTheFirstAlarmRaisedUntilTheLastClears() {
        Map<String, ResourceAlarms.Check> checks = new LinkedHashMap<>();
        checks.put("disk", () -> disk);
        checks.put("memory", () -> memory);
        alarms = ResourceAlarms.start(checks, publishers, NEVER);
        assertEquals(List.of(), events, "nothing is short at start");
        disk = "low on disk";
        alarms.checkAll();
        memory = "memory high";
        alarms.checkAll();
        disk = null;
        alarms.checkAll();
        assertEquals(List.of("block: low on disk"), events, "one alarm still raised keeps publishers held");
        memory = null;
        alarms.checkAll();
        assertEquals(List.of("block: low on disk", "unblock"), events);
        assertEquals(List.of(new ResourceAlarms.State("disk", false, 1), new ResourceAlarms.State("memory", false, 1)),
                alarms.states());
        disk = "low on disk";
        alarms.checkAll();
        assertEquals(new ResourceAlarms.State("disk", true, 2), alarms.states().get(0));
    }

    @Test
    void aResourceAlreadyShortAtStartHoldsPublishersBeforeStartReturns() {
        memory = "memory high";
        alarms = ResourceAlarms.start(Map.of("memory", () -> memory), publishers, NEVER);
        assertEquals(List.of("block: memory high"), events);
    }

    @Test
    void aFailingCheckKeepsItsAlarmsState() {
        boolean[] failing = {false};
        alarms = ResourceAlarms.start(Map.of("disk", () -> {
            if (failing[0]) {
                throw new IllegalStateException("cannot read");
            }
            return disk;
        }), publishers, NEVER);
        disk = "low on disk";
        alarms.checkAll();
        failing[0] = true;
        disk = null;
        alarms.checkAll();
        assertEquals(List.of("block: low on disk"), events, "a failed reading neither raises nor clears");
    }

    /** The scheduled checks go on after an OutOfMemoryError, which holds publishers back until a check succeeds. */
    @Test
    void anOutOfMemoryErrorRaisesTheAlarmAndTheChecksGoOn() {
        AtomicInteger calls = new AtomicInteger();
        alarms = ResourceAlarms.start(Map.of("memory", () -> {
            if (calls.incrementAndGet() == 2) {
                throw new OutOfMemoryError("Java heap space");
            }
            return null;
        }), publishers, Duration.ofMillis(20));
        await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 4);
        synchronized (alarms) {
            assertEquals(List.of("block: out of memory while checking memory: Java heap space", "unblock"), events);
        }
    }

    @Test
    void memoryCheckMeasuresAgainstItsWatermark() {
        assertNull(new MemoryCheck(1.0, () -> 0).breach(), "nothing can use more than everything");
        String breach = new MemoryCheck(1e-9, () -> 0).breach();
        assertTrue(breach != null && breach.contains("memory.high_watermark 1.0E-9"), breach);
    }

    @Test
    void eachCheckGrantsReadsHalfTheRoomBelowTheMark() {
        MemoryCheck roomy = new MemoryCheck(1.0, () -> 0);
        assertTrue(roomy.spend(1), "no check ran yet: nothing may be read before one");
        roomy.breach();
        assertFalse(roomy.spend(1 << 20), "a megabyte fits below a mark at the whole heap");
        assertTrue(roomy.spend(Runtime.getRuntime().maxMemory()), "more than half the room runs the check at once");

        MemoryCheck full = new MemoryCheck(1e-9, () -> 0);
        full.breach();
        assertFalse(full.spend(1000), "above the mark, small reads (acks) are not each checked");
        assertTrue(full.spend(64 * 1024), "above the mark, 64 KiB read run the check again");
    }
}
