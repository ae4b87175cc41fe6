package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttQos;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One publisher at a fixed rate, one subscriber, and the distribution of the time from the publisher's send to the
 * subscriber's receipt. The publisher is topped up every millisecond with the messages due by then, so a late
 * tick is caught up rather than lowering the rate.
 */
record LatencyScenario(int ratePerSecond, int warmupMessages, MqttQos qos) {

    Result run(LoadSettings settings, int messages) throws Exception {
        String topic = "bench/" + Long.toHexString(System.nanoTime()) + "/latency";
        long total = (long) warmupMessages + messages;
        DeliveryWindow unlimited = new DeliveryWindow(1, Long.MAX_VALUE, total);
        LatencySamples samples = new LatencySamples(messages, warmupMessages);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        try (LoadClients clients = new LoadClients(settings.broker(), settings.threads())) {
            LoadClient subscriber = clients.connect(new LoadClient(topic + "/s", settings.client(), unlimited, samples)).join();
            subscriber.subscribe(topic, qos).join();
            LoadClient publisher = clients.connect(new LoadClient(topic + "/p", settings.client(), unlimited, null)).join();
            publisher.publishTo(topic, qos, settings.payloadSize(), settings.maxInFlight());

            Measurement measurement = new Measurement(settings.brokerPid());
            long start = System.nanoTime();
            long[] allowed = {0};
            ticker.scheduleAtFixedRate(() -> {
                long due = Math.min(total, (System.nanoTime() - start) * ratePerSecond / 1_000_000_000L + 1);
                if (due > allowed[0]) {
                    publisher.allowPublishes(due - allowed[0]);
                    allowed[0] = due;
                }
            }, 0, 1, TimeUnit.MILLISECONDS);
            boolean complete = settings.phase().awaitDeliveries(unlimited);
            ticker.shutdownNow();
            long[] p = samples.percentiles(50, 99, 99.9, 100);
            Result result = new Result("latency")
                    .put("qos", qos.value())
                    .put("rate", ratePerSecond)
                    .put("complete", Boolean.toString(complete))
                    .put("samples", samples.count())
                    .put("p50_us", p[0] / 1000)
                    .put("p99_us", p[1] / 1000)
                    .put("p999_us", p[2] / 1000)
                    .put("max_us", p[3] / 1000);
            measurement.addTo(result, unlimited.delivered(), "msg");
            subscriber.close().join();
            publisher.close().join();
            return result;
        } finally {
            ticker.shutdownNow();
        }
    }
}
