package dev.junction.server.http;

import dev.junction.core.Broker;
import dev.junction.core.queue.Queue;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.limits.Limit;
import dev.junction.server.limits.LimitHits;
import dev.junction.server.mqtt.MqttBroker;
import dev.junction.server.mqtt.MqttDropReason;
import dev.junction.server.net.Protocol;
import dev.junction.core.metrics.LatencyHistogram;
import dev.junction.core.store.Storage;
import dev.junction.core.store.log.LogStorage;
import dev.junction.server.alarm.ResourceAlarms;
import dev.junction.server.stats.MessageCounters;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import java.util.function.ToDoubleFunction;

/**
 * What {@code /metrics} shows, in the Prometheus text format. Every broker metric is a callback read at scrape time
 * from counters the broker keeps anyway, so publishing and delivering pay nothing for them. Each server has its own
 * registry (tests run several brokers in one JVM); the JVM's memory, GC and thread metrics come from the client
 * library's instrumentation.
 */
public final class BrokerMetrics {
    private static final int MAX_QUEUE_LABEL = 255;
    private static final int LONG_QUEUE_LABEL_PREFIX = 64;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * What the metrics read besides the routing core and MQTT.
     *
     * @param storage the open storage; the log engine's write counters are shown, other engines have none
     * @param dataDir whose files count as the storage's bytes on disk
     */
    public record Sources(MessageCounters amqp, Storage storage, Path dataDir, ResourceAlarms alarms) {
    }

    public BrokerMetrics(Broker broker, MqttBroker mqtt, ConnectionDirectory connections, Sources sources) {
        GaugeWithCallback.builder()
                .name("junction_connections")
                .help("Open client connections by protocol")
                .labelNames("protocol")
                .callback(callback -> {
                    for (Protocol protocol : Protocol.values()) {
                        if (!protocol.isManagement()) {
                            callback.call(connections.count(protocol), OverviewResource.wireName(protocol));
                        }
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("junction_mqtt_sessions")
                .help("MQTT sessions, connected or kept for a disconnected client")
                .callback(callback -> callback.call(mqtt.sessionCount()))
                .register(registry);
        CounterWithCallback.builder()
                .name("junction_mqtt_messages_received")
                .help("PUBLISH packets received from MQTT clients")
                .callback(callback -> callback.call(mqtt.messagesReceived()))
                .register(registry);
        CounterWithCallback.builder()
                .name("junction_mqtt_messages_sent")
                .help("PUBLISH packets sent to MQTT clients")
                .callback(callback -> callback.call(mqtt.messagesSent()))
                .register(registry);
        CounterWithCallback.builder()
                .name("junction_mqtt_dropped")
                .help("Messages not sent to an MQTT subscriber, by reason")
                .labelNames("reason")
                .callback(callback -> {
                    for (MqttDropReason reason : MqttDropReason.values()) {
                        callback.call(mqtt.dropped(reason), reason.label());
                    }
                })
                .register(registry);
        queueGauge(broker, "junction_queue_messages_ready", "Messages waiting for delivery", Queue::readyCount);
        queueGauge(broker, "junction_queue_messages_unacked", "Messages delivered and not yet acknowledged",
                Queue::unsettledCount);
        queueGauge(broker, "junction_queue_consumers", "Consumers of the queue", Queue::consumerCount);
        queueGauge(broker, "junction_queue_memory_bytes",
                "Bytes of message bodies the queue holds in memory (direct buffers; the rest is paged out)",
                Queue::memoryBytes);
        CounterWithCallback.builder()
                .name("junction_queue_messages_dropped")
                .help("Messages dropped from the queue's head to keep within its length limit")
                .labelNames("vhost", "queue")
                .callback(callback -> eachQueue(broker, (vhost, queue) ->
                        callback.call(queue.droppedCount(), vhost.name(), queueLabel(queue))))
                .register(registry);
        Map<String, MessageCounters> flows = new LinkedHashMap<>();
        flows.put(OverviewResource.wireName(Protocol.AMQP), sources.amqp());
        flows.put(OverviewResource.wireName(Protocol.MQTT), mqtt.messages());
        messageCounter(flows, "published", "Messages published by clients", counters -> counters.published);
        messageCounter(flows, "routed", "Published messages that reached at least one queue",
                counters -> counters.routed);
        messageCounter(flows, "unroutable", "Published messages that reached no queue",
                counters -> counters.unroutable);
        messageCounter(flows, "delivered", "Messages sent to clients", counters -> counters.delivered);
        messageCounter(flows, "acknowledged", "Deliveries acknowledged by clients", counters -> counters.acknowledged);
        messageCounter(flows, "redelivered", "Deliveries sent again (AMQP redelivered, MQTT DUP)",
                counters -> counters.redelivered);
        messageCounter(flows, "dropped", "Messages discarded: AMQP unroutable and not mandatory, "
                + "MQTT undeliverable or over a session's queue limit", counters -> counters.dropped);
        Map<String, LatencyHistogram> latencies = new LinkedHashMap<>();
        flows.forEach((protocol, counters) -> latencies.put(protocol, counters.deliveryLatency));
        registry.register(new HistogramCollector("junction_delivery_latency_seconds",
                "From publish to delivery to a subscriber's connection, by the delivering protocol", "protocol",
                latencies));
        storageMetrics(sources.storage(), sources.dataDir());
        alarmMetrics(sources.alarms());
        JvmMetrics.builder().register(registry);
    }

    private void messageCounter(Map<String, MessageCounters> flows, String what, String help,
                                Function<MessageCounters, LongAdder> counter) {
        CounterWithCallback.builder()
                .name("junction_messages_" + what)
                .help(help)
                .labelNames("protocol")
                .callback(callback -> flows.forEach((protocol, counters) ->
                        callback.call(counter.apply(counters).sum(), protocol)))
                .register(registry);
    }

    private void storageMetrics(Storage storage, Path dataDir) {
        GaugeWithCallback.builder()
                .name("junction_storage_disk_bytes")
                .help("Bytes of the files in the data directory")
                .callback(callback -> callback.call(bytesUnder(dataDir)))
                .register(registry);
        if (!(storage instanceof LogStorage log)) {
            return;
        }
        storageCounter("junction_storage_records_written", "Records appended to the log, releases included",
                () -> log.metrics().appendsWritten() + log.metrics().releasesWritten());
        storageCounter("junction_storage_bytes_written", "Bytes written to the log's segment files",
                () -> log.metrics().bytesWritten());
        storageCounter("junction_storage_fsyncs", "Data fsyncs of the log's segment files", () -> log.metrics().fsyncs());
        storageCounter("junction_storage_unforced_batches",
                "Batches written without an fsync of their own (under fsync=always: those holding only settles)",
                () -> log.metrics().unforcedBatches());
        registry.register(new HistogramCollector("junction_storage_fsync_duration_seconds",
                "How long each data fsync of a segment file took", null, Map.of("", log.fsyncLatency())));
    }

    private void storageCounter(String name, String help, LongSupplier value) {
        CounterWithCallback.builder().name(name).help(help)
                .callback(callback -> callback.call(value.getAsLong()))
                .register(registry);
    }

    /** A file deleted during the walk (compaction) simply no longer counts. */
    private static long bytesUnder(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.mapToLong(file -> {
                try {
                    return Files.isRegularFile(file) ? Files.size(file) : 0;
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    private void alarmMetrics(ResourceAlarms alarms) {
        GaugeWithCallback.builder()
                .name("junction_alarm_active")
                .help("1 while the resource's alarm holds publishers back")
                .labelNames("resource")
                .callback(callback -> alarms.states().forEach(state ->
                        callback.call(state.active() ? 1 : 0, state.resource())))
                .register(registry);
        CounterWithCallback.builder()
                .name("junction_alarm_activations")
                .help("Times the resource's alarm was raised")
                .labelNames("resource")
                .callback(callback -> alarms.states().forEach(state ->
                        callback.call(state.activations(), state.resource())))
                .register(registry);
    }

    /** Adds {@code junction_limit_hits_total}, by the key of the limit hit. */
    public void countLimitHits(LimitHits hits) {
        CounterWithCallback.builder()
                .name("junction_limit_hits")
                .help("Times a client ran into a limit, by the configuration key that sets it")
                .labelNames("limit")
                .callback(callback -> {
                    for (Limit limit : Limit.values()) {
                        callback.call(hits.count(limit), limit.label());
                    }
                })
                .register(registry);
    }

    private void queueGauge(Broker broker, String name, String help, ToDoubleFunction<Queue> value) {
        GaugeWithCallback.builder()
                .name(name)
                .help(help)
                .labelNames("vhost", "queue")
                .callback(callback -> eachQueue(broker, (vhost, queue) ->
                        callback.call(value.applyAsDouble(queue), vhost.name(), queueLabel(queue))))
                .register(registry);
    }

    /**
     * A queue's name as a label of the unauthenticated {@code /metrics}, bounded: only an MQTT session's queue,
     * named after its client id (up to 65,535 bytes), can be longer than AMQP's 255, and one such client would
     * otherwise add its id to every scrape once per queue metric. A longer name keeps its start and a hash of the
     * whole, so that labels stay distinct.
     */
    private static String queueLabel(Queue queue) {
        String name = queue.name();
        if (name.length() <= MAX_QUEUE_LABEL) {
            return name;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return name.substring(0, LONG_QUEUE_LABEL_PREFIX) + "..." + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private interface QueueVisitor {
        void visit(VirtualHost vhost, Queue queue);
    }

    private static void eachQueue(Broker broker, QueueVisitor visitor) {
        for (VirtualHost vhost : broker.virtualHosts()) {
            for (Queue queue : vhost.queues()) {
                visitor.visit(vhost, queue);
            }
        }
    }

    String contentType() {
        return writer.getContentType();
    }

    void scrape(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
