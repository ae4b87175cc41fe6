package dev.junction.bench.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of a process, read from Linux's /proc, so that a broker written in any language is measured
 * the same way.
 *
 * <p>Both resident set size and proportional set size: RSS counts a page once per mapping of it, and ZGC (JDK 17)
 * maps its heap three times, so a ZGC broker's RSS counts its heap three times. PSS divides each page by the number
 * of mappings sharing it, so it counts that heap once (and, for any process, charges shared libraries only in part).
 *
 * @param cpuNanos user plus system CPU time (utime + stime of /proc/pid/stat)
 * @param rssBytes resident set size (VmRSS of /proc/pid/status)
 * @param pssBytes proportional set size (Pss of /proc/pid/smaps_rollup)
 */
public record ProcessUsage(long cpuNanos, long rssBytes, long pssBytes) {
    /** USER_HZ: the unit of utime and stime. Linux has reported it as 100 on every mainstream architecture. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    public static ProcessUsage of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try {
            return new ProcessUsage(cpuNanos(Files.readString(proc.resolve("stat"))),
                    kibibytes(Files.readString(proc.resolve("status")), "VmRSS:"),
                    kibibytes(Files.readString(proc.resolve("smaps_rollup")), "Pss:"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc of process " + pid
                    + " (has it exited? smaps_rollup needs Linux 4.14 and the right to trace the process)", e);
        }
    }

    /** This JVM's own CPU time, compilation and GC included: the price of the load generator itself. */
    public static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static long cpuNanos(String stat) {
        // The command name (field 2) is in parentheses and may contain spaces: count fields after its last ')'.
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(afterName[11]) + Long.parseLong(afterName[12]);
        return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
    }

    /**
     * The bytes of a {@code Key:   1234 kB} line of /proc/pid/status or smaps_rollup; the key includes its colon,
     * so that {@code Pss:} is not taken for {@code Pss_Anon:}.
     */
    static long kibibytes(String procFile, String key) {
        for (String line : procFile.split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).replace("kB", "").strip()) * 1024;
            }
        }
        throw new IllegalArgumentException("no " + key + " line in " + procFile.lines().findFirst().orElse("an empty file"));
    }

    public ProcessUsage minus(ProcessUsage before) {
        return new ProcessUsage(cpuNanos - before.cpuNanos, rssBytes - before.rssBytes, pssBytes - before.pssBytes);
    }
}
