package dev.junction.bench.mqtt;

import dev.junction.bench.DeviceFleet;
import dev.junction.mqtt.codec.MqttQos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * A large topic tree over the wire: {@code connections} subscribers take the first {@code subscriptions} filters of
 * the {@link DeviceFleet} ({@link FleetSubscriptions} says which connection holds which), then one publisher sends
 * {@code publishes} QoS 0 messages to random fleet topics, held to the delivery window. Reports the subscribe rate
 * (until the last SUBACK), the broker's memory growth per subscription (RSS and PSS, from before the first SUBSCRIBE
 * to after the last SUBACK), publishes and deliveries per second, broker CPU per publish and the end-to-end latency.
 *
 * <p>Every publish's deliveries are computed from the filters, per connection, so a broker that drops, duplicates
 * or misroutes is caught: {@code connections_off} counts the connections that received another number than owed.
 * A fifth of the publishes first runs unmeasured on the same connections, since subscribing again would cost more
 * than the run.
 */
record TopicTreeScenario(int subscriptions, int connections, int filtersPerSubscribe, int subscribesOutstanding,
                         int publishes, Phase subscribePhase) {
    /** Prepared publish topics, cycled: as many as {@code TopicTrieBenchmark}'s. */
    private static final int PREPARED_TOPICS = 65_536;
    private static final long SEED = 9;

    Result run(LoadSettings settings) throws Exception {
        FleetSubscriptions fleet = new FleetSubscriptions(subscriptions, connections);
        String[] topics = DeviceFleet.publishes(subscriptions, subscriptions, PREPARED_TOPICS, SEED);
        int[][] owed = Arrays.stream(topics).map(fleet::connectionsMatching).toArray(int[][]::new);
        String base = "bench-tree-" + Long.toHexString(System.nanoTime()) + "-";
        Result result = new Result("tree")
                .put("subscriptions_requested", subscriptions)
                .put("connections", connections);
        DeliveryWindow beforePublishing = new DeliveryWindow(1, 1, 0);
        try (LoadClients clients = new LoadClients(settings.broker(), settings.threads())) {
            List<CompletableFuture<LoadClient>> connecting = new ArrayList<>();
            for (int c = 0; c <= connections; c++) {
                String id = base + (c < connections ? "s" + c : "p");
                connecting.add(clients.connect(new LoadClient(id, settings.client(), beforePublishing, null)));
            }
            try {
                CompletableFuture.allOf(connecting.toArray(CompletableFuture[]::new))
                        .get(settings.phase().deadline().toMillis(), TimeUnit.MILLISECONDS);
                List<LoadClient> subscribers = connecting.subList(0, connections).stream()
                        .map(CompletableFuture::join).toList();
                if (subscribe(fleet, subscribers, settings, result)) {
                    publish(topics, owed, subscribers, connecting.get(connections).join(), settings, result);
                }
            } catch (TimeoutException e) {
                result.put("complete", "false").put("stopped_by", "connect_deadline");
            } finally {
                CompletableFuture.allOf(connecting.stream()
                        .filter(c -> c.isDone() && !c.isCompletedExceptionally())
                        .map(c -> c.join().close()).toArray(CompletableFuture[]::new)).join();
            }
        }
        return result;
    }

    /** @return whether every subscription was acknowledged in time */
    private boolean subscribe(FleetSubscriptions fleet, List<LoadClient> subscribers, LoadSettings settings,
                              Result result) throws InterruptedException {
        ProcessUsage before = settings.brokerPid() == 0 ? null : ProcessUsage.of(settings.brokerPid());
        long start = System.nanoTime();
        List<SubscribeBatches> batches = IntStream.range(0, connections)
                .mapToObj(c -> new SubscribeBatches(fleet.filtersOf(c), MqttQos.AT_MOST_ONCE, filtersPerSubscribe,
                        subscribesOutstanding))
                .toList();
        CompletableFuture<?>[] done = IntStream.range(0, connections)
                .mapToObj(c -> subscribers.get(c).subscribe(batches.get(c))).toArray(CompletableFuture[]::new);
        boolean complete = subscribePhase.await(CompletableFuture.allOf(done),
                () -> batches.stream().mapToLong(SubscribeBatches::acknowledged).sum());
        long elapsed = System.nanoTime() - start;
        long acknowledged = batches.stream().mapToLong(SubscribeBatches::acknowledged).sum();
        result.put("subscriptions", acknowledged)
                .put("subscribe_seconds", elapsed / 1e9)
                .put("subscriptions_per_s", Math.round(acknowledged * 1e9 / elapsed));
        if (before != null && acknowledged > 0) {
            ProcessUsage growth = ProcessUsage.of(settings.brokerPid()).minus(before);
            result.put("broker_rss_growth_mb", growth.rssBytes() / (1024.0 * 1024))
                    .put("broker_pss_growth_mb", growth.pssBytes() / (1024.0 * 1024))
                    .put("broker_rss_bytes_per_sub", growth.rssBytes() / acknowledged)
                    .put("broker_pss_bytes_per_sub", growth.pssBytes() / acknowledged);
        }
        if (!complete) {
            result.put("complete", "false").put("stopped_by", "subscribe_deadline_or_stall");
        }
        return complete;
    }

    private void publish(String[] topics, int[][] owed, List<LoadClient> subscribers, LoadClient publisher,
                         LoadSettings settings, Result result) throws InterruptedException {
        publisher.publishTo(topics, MqttQos.AT_MOST_ONCE, settings.payloadSize(), settings.maxInFlight());
        int warmup = Math.max(publishes / 5, 1);
        long[] warmupOwed = owedPerConnection(owed, 0, warmup);
        DeliveryWindow warm = window(warmupOwed, warmup, settings);
        measureInto(warm, subscribers, publisher, null);
        publisher.allowPublishes(warmup);
        if (!settings.phase().awaitDeliveries(warm)) {
            result.put("complete", "false").put("stopped_by", "warmup_deadline_or_stall")
                    .put("warmup_delivered", warm.delivered()).put("warmup_expected", sum(warmupOwed));
            return;
        }

        long[] measuredOwed = owedPerConnection(owed, warmup, publishes);
        List<LatencySamples> latencies = Arrays.stream(measuredOwed)
                .mapToObj(n -> new LatencySamples((int) n, 0)).toList();
        DeliveryWindow window = window(measuredOwed, publishes, settings);
        measureInto(window, subscribers, publisher, latencies);
        Measurement measurement = new Measurement(settings.brokerPid());
        publisher.allowPublishes(publishes);
        boolean delivered = settings.phase().awaitDeliveries(window);
        long elapsed = Math.max(window.elapsedNanos(), 1);
        long[] p = LatencySamples.merged(latencies).percentiles(50, 99);
        if (delivered) {
            long connectionsOff = IntStream.range(0, connections)
                    .filter(c -> latencies.get(c).received() != measuredOwed[c]).count();
            result.put("complete", Boolean.toString(connectionsOff == 0)).put("connections_off", connectionsOff);
        } else {
            result.put("complete", "false").put("stopped_by", "publish_deadline_or_stall");
        }
        result.put("published", window.sent())
                .put("delivered", window.delivered())
                .put("expected", sum(measuredOwed))
                .put("deliveries_per_publish", sum(measuredOwed) / (double) publishes)
                .put("seconds", elapsed / 1e9)
                .put("publishes_per_s", Math.round(window.sent() * 1e9 / elapsed))
                .put("msgs_per_s", Math.round(window.delivered() * 1e9 / elapsed))
                .put("p50_us", p[0] / 1000)
                .put("p99_us", p[1] / 1000);
        measurement.addTo(result, window.sent(), "publish");
    }

    /** Deliveries owed to each connection by publishes {@code from .. from + count} of the cycled topics. */
    private long[] owedPerConnection(int[][] owed, int from, int count) {
        long[] perConnection = new long[connections];
        for (int i = from; i < from + count; i++) {
            for (int connection : owed[i % owed.length]) {
                perConnection[connection]++;
            }
        }
        return perConnection;
    }

    private static DeliveryWindow window(long[] owed, int publishes, LoadSettings settings) {
        return DeliveryWindow.averaging(publishes, sum(owed), settings.window());
    }

    private static void measureInto(DeliveryWindow window, List<LoadClient> subscribers, LoadClient publisher,
                                    List<LatencySamples> latencies) {
        List<CompletableFuture<Void>> switched = new ArrayList<>();
        for (int c = 0; c < subscribers.size(); c++) {
            switched.add(subscribers.get(c).measureInto(window, latencies == null ? null : latencies.get(c)));
        }
        switched.add(publisher.measureInto(window, null));
        CompletableFuture.allOf(switched.toArray(CompletableFuture[]::new)).join();
    }

    private static long sum(long[] values) {
        return Arrays.stream(values).sum();
    }
}
