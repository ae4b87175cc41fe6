package dev.junction.bench.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process, read from Linux's /proc, so that a broker written in any language is
 * measured the same way.
 *
 * @param cpuNanos user plus system CPU time (utime + stime of /proc/pid/stat)
 * @param rssBytes resident set size (VmRSS of /proc/pid/status)
 */
public record ProcessUsage(long cpuNanos, long rssBytes) {
    /** USER_HZ: the unit of utime and stime. Linux has reported it as 100 on every mainstream architecture. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    public static ProcessUsage of(long pid) {
        try {
            return new ProcessUsage(cpuNanos(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))),
                    rssBytes(Files.readString(Path.of("/proc", Long.toString(pid), "status"))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc of process " + pid + " (has it exited?)", e);
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

    static long rssBytes(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
            }
        }
        throw new IllegalArgumentException("no VmRSS line in /proc/pid/status");
    }

    public ProcessUsage minus(ProcessUsage before) {
        return new ProcessUsage(cpuNanos - before.cpuNanos, rssBytes - before.rssBytes);
    }
}
