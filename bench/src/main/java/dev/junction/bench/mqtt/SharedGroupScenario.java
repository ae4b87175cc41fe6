package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttQos;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Fairness of a shared subscription group: publishers, one topic each, into a group of members that all subscribe
 * to {@code $share/bench/<base>/+}; each message reaches one member. Reports deliveries per second and each
 * member's count, with the smallest and largest share of the total ({@code 1/members} each when perfectly even),
 * under whatever {@code mqtt.shared_subscription_strategy} the broker runs.
 */
record SharedGroupScenario(int members, int publishers, MqttQos qos) {

    Result run(LoadSettings settings, long messages) throws Exception {
        String base = "bench/" + Long.toHexString(System.nanoTime()) + "/shared";
        String filter = "$share/bench/" + base + "/+";
        DeliveryWindow window = new DeliveryWindow(1, settings.window(), messages);
        List<LoadClient> memberClients = new ArrayList<>();
        List<LoadClient> all = new ArrayList<>();
        try (LoadClients clients = new LoadClients(settings.broker(), settings.threads())) {
            List<CompletableFuture<Void>> subscribed = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                LoadClient member = new LoadClient(base + "/m" + i, settings.client(), window, null);
                memberClients.add(member);
                all.add(member);
                subscribed.add(clients.connect(member).thenCompose(client -> client.subscribe(filter, qos)));
            }
            CompletableFuture.allOf(subscribed.toArray(CompletableFuture[]::new)).join();
            List<CompletableFuture<LoadClient>> connected = new ArrayList<>();
            for (int i = 0; i < publishers; i++) {
                LoadClient publisher = new LoadClient(base + "/p" + i, settings.client(), window, null);
                all.add(publisher);
                connected.add(clients.connect(publisher));
            }
            CompletableFuture.allOf(connected.toArray(CompletableFuture[]::new)).join();

            Measurement measurement = new Measurement(settings.brokerPid());
            for (int i = 0; i < publishers; i++) {
                LoadClient publisher = connected.get(i).join();
                publisher.publishTo(base + "/" + i, qos, settings.payloadSize(), settings.maxInFlight());
                publisher.allowPublishes(messages / publishers + (i < messages % publishers ? 1 : 0));
            }
            boolean complete = settings.phase().awaitDeliveries(window);
            long[] counts = memberClients.stream().mapToLong(LoadClient::receivedCount).toArray();
            long total = Math.max(1, java.util.Arrays.stream(counts).sum());
            Result result = new Result("shared")
                    .put("members", members)
                    .put("publishers", publishers)
                    .put("qos", qos.value())
                    .put("complete", Boolean.toString(complete))
                    .put("published", window.sent())
                    .put("delivered", window.delivered())
                    .put("seconds", window.elapsedNanos() / 1e9)
                    .put("msgs_per_s", Math.round(window.delivered() * 1e9 / Math.max(window.elapsedNanos(), 1)))
                    .put("member_counts", java.util.Arrays.stream(counts).mapToObj(Long::toString)
                            .collect(Collectors.joining(",")))
                    .put("min_share", (double) java.util.Arrays.stream(counts).min().orElse(0) / total)
                    .put("max_share", (double) java.util.Arrays.stream(counts).max().orElse(0) / total);
            measurement.addTo(result, window.delivered(), "msg");
            CompletableFuture.allOf(all.stream().map(LoadClient::close).toArray(CompletableFuture[]::new)).join();
            return result;
        }
    }
}
