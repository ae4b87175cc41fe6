package dev.junction.server.http;

import dev.junction.core.Broker;
import dev.junction.core.queue.Queue;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.limits.Limit;
import dev.junction.server.limits.LimitHits;
import dev.junction.server.mqtt.MqttBroker;
import dev.junction.server.net.Protocol;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.util.function.ToDoubleFunction;

/**
 * What {@code /metrics} shows, in the Prometheus text format. Every broker metric is a callback read at scrape time
 * from counters the broker keeps anyway, so publishing and delivering pay nothing for them. Each server has its own
 * registry (tests run several brokers in one JVM); the JVM's memory, GC and thread metrics come from the client
 * library's instrumentation.
 */
public final class BrokerMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    public BrokerMetrics(Broker broker, MqttBroker mqtt, ConnectionDirectory connections) {
        GaugeWithCallback.builder()
                .name("junction_connections")
                .help("Open client connections by protocol")
                .labelNames("protocol")
                .callback(callback -> {
                    for (Protocol protocol : Protocol.values()) {
                        if (protocol != Protocol.HTTP) {
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
        queueGauge(broker, "junction_queue_messages_ready", "Messages waiting for delivery", Queue::readyCount);
        queueGauge(broker, "junction_queue_messages_unacked", "Messages delivered and not yet acknowledged",
                Queue::unsettledCount);
        queueGauge(broker, "junction_queue_consumers", "Consumers of the queue", Queue::consumerCount);
        CounterWithCallback.builder()
                .name("junction_queue_messages_dropped")
                .help("Messages dropped from the queue's head to keep within its length limit")
                .labelNames("vhost", "queue")
                .callback(callback -> eachQueue(broker, (vhost, queue) ->
                        callback.call(queue.droppedCount(), vhost.name(), queue.name())))
                .register(registry);
        JvmMetrics.builder().register(registry);
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
                        callback.call(value.applyAsDouble(queue), vhost.name(), queue.name())))
                .register(registry);
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
