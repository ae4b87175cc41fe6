package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessUsageTest {
    @Test
    void cpuTimeIsUserPlusSystemTicksCountedAfterTheParenthesisedName() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (beam.smp) (x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 130 0 0 20 0 30 0 1 2 3";
        assertEquals(3_800_000_000L, ProcessUsage.cpuNanos(stat));
    }

    @Test
    void rssComesFromVmRssInKibibytes() {
        String status = "Name:\tmosquitto\nVmPeak:\t  9000 kB\nVmRSS:\t    8616 kB\nThreads:\t1\n";
        assertEquals(8616L * 1024, ProcessUsage.rssBytes(status));
        assertThrows(IllegalArgumentException.class, () -> ProcessUsage.rssBytes("Name:\tkthreadd\n"));
    }

    @Test
    void readsThisProcess() {
        ProcessUsage self = ProcessUsage.of(ProcessHandle.current().pid());
        assertTrue(self.rssBytes() > 1024 * 1024, "a JVM holds more than 1 MiB resident");
        assertTrue(self.cpuNanos() > 0, "starting a JVM costs CPU time");
    }
}
