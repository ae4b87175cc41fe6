package dev.junction.bench.mqtt;

/**
 * CPU time of the broker and of this load generator over a measured phase, and the broker's memory at its end.
 * Without a broker process id only the generator's own figures are reported.
 */
final class Measurement {
    private final long brokerPid;
    private final ProcessUsage brokerBefore;
    private final long ownCpuBefore = ProcessUsage.ownCpuNanos();

    /** @param brokerPid the broker's process id, or 0 if unknown */
    Measurement(long brokerPid) {
        this.brokerPid = brokerPid;
        this.brokerBefore = brokerPid == 0 ? null : ProcessUsage.of(brokerPid);
    }

    ProcessUsage brokerBefore() {
        return brokerBefore;
    }

    /** Adds the CPU times, per {@code unit} if {@code items} (deliveries, connections) is positive, and broker RSS and PSS. */
    void addTo(Result result, long items, String unit) {
        long ownCpu = ProcessUsage.ownCpuNanos() - ownCpuBefore;
        result.put("generator_cpu_ms", ownCpu / 1_000_000);
        if (brokerPid != 0) {
            ProcessUsage after = ProcessUsage.of(brokerPid);
            long brokerCpu = after.cpuNanos() - brokerBefore.cpuNanos();
            result.put("broker_cpu_ms", brokerCpu / 1_000_000);
            if (items > 0) {
                result.put("broker_cpu_us_per_" + unit, brokerCpu / 1000.0 / items);
            }
            result.put("broker_rss_mb", after.rssBytes() / (1024.0 * 1024));
            result.put("broker_pss_mb", after.pssBytes() / (1024.0 * 1024));
        }
        if (items > 0) {
            result.put("generator_cpu_us_per_" + unit, ownCpu / 1000.0 / items);
        }
    }
}
