package dev.junction.server.mqtt;

import dev.junction.core.Broker;
import dev.junction.core.queue.ConsumerSelection;
import dev.junction.core.vhost.VirtualHost;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The {@code $SYS} values from the counters, kept as retained messages; no broker around them. */
class SysTopicsTest {
    private final Broker core = new Broker(1);
    private final VirtualHost vhost = core.virtualHost(Broker.DEFAULT_VHOST);
    private final MqttStats stats = new MqttStats();
    private final RetainedMessages retained = new RetainedMessages();
    private final MqttDurableState durable = new MqttDurableState(core.definitions());
    private final MqttPublisher publisher = new MqttPublisher(vhost, "amq.topic", retained, stats, durable);
    private final SysTopics sysTopics = new SysTopics(publisher, retained, new SessionRegistry(new SessionServices(
            MqttSettings.DEFAULTS, vhost, durable, stats, retained,
            new SharedGroups(vhost, "amq.topic", ConsumerSelection.ROUND_ROBIN), publisher), Map.of()), stats);

    @AfterEach
    void close() throws InterruptedException {
        retained.clear();
        core.close();
    }

    private List<String> retainedPayloads(String topicName) {
        List<String> payloads = new ArrayList<>();
        retained.forEachMatching(topicName, message -> {
            payloads.add(message.body().toString(StandardCharsets.UTF_8));
            message.release();
        });
        return payloads;
    }

    @Test
    void eachPublishRetainsTheCurrentCounts() {
        stats.clientsConnected.set(3);
        stats.dropped(MqttDropReason.TOO_LARGE, 2);
        sysTopics.publish();
        assertEquals(List.of("3"), retainedPayloads("$SYS/broker/clients/connected"));
        assertEquals(List.of("2"), retainedPayloads("$SYS/broker/messages/dropped/too_large"));
        stats.clientsConnected.set(1);
        sysTopics.publish();
        assertEquals(List.of("1"), retainedPayloads("$SYS/broker/clients/connected"), "the latest value only");
    }
}
