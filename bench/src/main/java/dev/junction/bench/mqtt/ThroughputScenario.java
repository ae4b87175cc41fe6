package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttQos;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishers send a fixed number of messages as fast as the broker delivers them to the subscribers. One topic for
 * all (one-to-one, fan-out), or one topic per publisher under a {@code +} subscription (fan-in). The figure is
 * deliveries per second from the first publish to the last delivery.
 */
record ThroughputScenario(String name, int publishers, int subscribers, boolean topicPerPublisher, MqttQos qos) {

    static ThroughputScenario oneToOne(MqttQos qos) {
        return new ThroughputScenario("qos" + qos.value(), 1, 1, false, qos);
    }

    static ThroughputScenario fanOut(int subscribers, MqttQos qos) {
        return new ThroughputScenario("fanout", 1, subscribers, false, qos);
    }

    static ThroughputScenario fanIn(int publishers, MqttQos qos) {
        return new ThroughputScenario("fanin", publishers, 1, true, qos);
    }

    Result run(LoadSettings settings, long messages) throws Exception {
        String base = "bench/" + Long.toHexString(System.nanoTime()) + "/" + name;
        long expected = messages * subscribers;
        DeliveryWindow window = new DeliveryWindow(subscribers, settings.window(), expected);
        List<LoadClient> all = new ArrayList<>();
        try (LoadClients clients = new LoadClients(settings.broker(), settings.threads())) {
            List<CompletableFuture<Void>> subscribed = new ArrayList<>();
            for (int i = 0; i < subscribers; i++) {
                String filter = topicPerPublisher ? base + "/+" : base;
                subscribed.add(clients.connect(track(all, new LoadClient(base + "/s" + i, settings.client(), window, null)))
                        .thenCompose(client -> client.subscribe(filter, qos)));
            }
            await(subscribed);
            List<CompletableFuture<LoadClient>> connected = new ArrayList<>();
            for (int i = 0; i < publishers; i++) {
                connected.add(clients.connect(track(all, new LoadClient(base + "/p" + i, settings.client(), window, null))));
            }
            await(connected);

            Measurement measurement = new Measurement(settings.brokerPid());
            for (int i = 0; i < publishers; i++) {
                LoadClient publisher = connected.get(i).join();
                publisher.publishTo(topicPerPublisher ? base + "/" + i : base, qos, settings.payloadSize(),
                        settings.maxInFlight());
                publisher.allowPublishes(messages / publishers + (i < messages % publishers ? 1 : 0));
            }
            boolean complete = settings.phase().awaitDeliveries(window);
            Result result = new Result(name)
                    .put("publishers", publishers)
                    .put("subscribers", subscribers)
                    .put("qos", qos.value())
                    .put("complete", Boolean.toString(complete))
                    .put("published", window.sent())
                    .put("delivered", window.delivered())
                    .put("expected", expected)
                    .put("seconds", window.elapsedNanos() / 1e9)
                    .put("msgs_per_s", Math.round(window.delivered() * 1e9 / Math.max(window.elapsedNanos(), 1)));
            measurement.addTo(result, window.delivered(), "msg");
            await(all.stream().map(LoadClient::close).toList());
            return result;
        }
    }

    private static LoadClient track(List<LoadClient> all, LoadClient client) {
        all.add(client);
        return client;
    }

    private static void await(List<? extends CompletableFuture<?>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
    }
}
