package dev.junction.bench.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens connections that then stay idle (keep alive 0, no subscriptions), at most {@code concurrency} handshakes at
 * a time, and reports the connect rate and the broker's memory growth (RSS and PSS) per connection. Stops opening at the
 * first failure (typically the file descriptor limit of one side) or at the phase deadline, and reports how many it
 * held. The connections stay open for {@code hold} after the measurement, to inspect the broker meanwhile (a heap
 * histogram, say).
 */
record IdleConnectionsScenario(int connections, int concurrency, Duration hold) {
    /** Lets the broker finish the work the last handshakes started before its memory is read. */
    private static final long SETTLE_MILLIS = 1000;

    Result run(LoadSettings settings) throws Exception {
        String base = "bench-idle-" + Long.toHexString(System.nanoTime()) + "-";
        DeliveryWindow unused = new DeliveryWindow(1, 1, 0);
        List<LoadClient> open = new ArrayList<>();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        Semaphore handshakes = new Semaphore(concurrency);
        try (LoadClients clients = new LoadClients(settings.broker(), settings.threads())) {
            Measurement measurement = new Measurement(settings.brokerPid());
            long start = System.nanoTime();
            long deadline = start + settings.phase().deadline().toNanos();
            for (int i = 0; i < connections && firstFailure.get() == null; i++) {
                if (System.nanoTime() > deadline) {
                    firstFailure.compareAndSet(null, new IllegalStateException("phase deadline reached"));
                    break;
                }
                if (!handshakes.tryAcquire(settings.phase().stallLimit().toMillis(), TimeUnit.MILLISECONDS)) {
                    firstFailure.compareAndSet(null, new IllegalStateException("no CONNACK within the stall limit"));
                    break;
                }
                LoadClient client = new LoadClient(base + i, settings.client(), unused, null);
                open.add(client);
                clients.connect(client).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        firstFailure.compareAndSet(null, failure);
                    }
                    handshakes.release();
                });
            }
            handshakes.acquire(concurrency);
            long elapsed = System.nanoTime() - start;
            long connected = open.stream().filter(c -> c.connected().isDone() && !c.connected().isCompletedExceptionally()).count();
            Thread.sleep(SETTLE_MILLIS);
            Result result = new Result("idle")
                    .put("requested", connections)
                    .put("connected", connected)
                    .put("seconds", elapsed / 1e9)
                    .put("connects_per_s", Math.round(connected * 1e9 / elapsed));
            if (settings.brokerPid() != 0 && connected > 0) {
                ProcessUsage growth = ProcessUsage.of(settings.brokerPid()).minus(measurement.brokerBefore());
                result.put("broker_rss_growth_mb", growth.rssBytes() / (1024.0 * 1024))
                        .put("broker_bytes_per_conn", growth.rssBytes() / connected)
                        .put("broker_pss_growth_mb", growth.pssBytes() / (1024.0 * 1024))
                        .put("broker_pss_bytes_per_conn", growth.pssBytes() / connected);
            }
            measurement.addTo(result, connected, "conn");
            Thread.sleep(hold.toMillis());
            if (firstFailure.get() != null) {
                result.put("stopped_by", firstFailure.get().toString().replaceAll("\\s+", "_"));
            }
            CompletableFuture.allOf(open.stream().map(LoadClient::close).toArray(CompletableFuture[]::new)).join();
            return result;
        }
    }
}
