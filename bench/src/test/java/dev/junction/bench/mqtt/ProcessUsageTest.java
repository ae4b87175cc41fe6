package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
        assertEquals(8616L * 1024, ProcessUsage.kibibytes(status, "VmRSS:"));
        assertThrows(IllegalArgumentException.class, () -> ProcessUsage.kibibytes("Name:\tkthreadd\n", "VmRSS:"));
    }

    @Test
    void pssIsThePssLineNotItsAnonymousOrFileShare() {
        String rollup = """
                55d5c2a3e000-7ffd5e9f5000 ---p 00000000 00:00 0                          [rollup]
                Rss:              884412 kB
                Pss:              301830 kB
                Pss_Anon:         290000 kB
                Pss_File:          11830 kB
                """;
        assertEquals(301830L * 1024, ProcessUsage.kibibytes(rollup, "Pss:"));
    }

    @Test
    void pssOfThisProcessIsPositiveAndAtMostItsRss() throws Exception {
        String rollup = Files.readString(Path.of("/proc/self/smaps_rollup"));
        long pss = ProcessUsage.kibibytes(rollup, "Pss:");
        // Both from one reading of the kernel's page tables: a page's share is never more than the page.
        assertTrue(0 < pss && pss <= ProcessUsage.kibibytes(rollup, "Rss:"), rollup);
    }

    @Test
    void readsThisProcess() {
        ProcessUsage self = ProcessUsage.of(ProcessHandle.current().pid());
        assertTrue(self.rssBytes() > 1024 * 1024, "a JVM holds more than 1 MiB resident");
        assertTrue(self.pssBytes() > 1024 * 1024 && self.pssBytes() <= 2 * self.rssBytes(), self.toString());
        assertTrue(self.cpuNanos() > 0, "starting a JVM costs CPU time");
    }
}
