package dev.junction.server.cross;

import com.fasterxml.jackson.databind.JsonNode;
import dev.junction.server.config.ConfigKeys;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #5: a connected MQTT subscriber too slow for its publisher fills its session queue; the publisher is held
 * back at half of {@code mqtt.max_queued_messages}, with the broker-wide mark far higher, so the bound never drops
 * a message of a subscriber that is still there.
 */
class SlowMqttSubscriberTest {
    private static final int MAX_QUEUED = 40;
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final CrossProtocolBroker broker = new CrossProtocolBroker(config -> config
            .with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, MAX_QUEUED));

    private static JsonNode sessionQueue() throws Exception {
        return broker.management("/api/queues/%2F/mqtt-subscription-slow-subscriber");
    }

    @Test
    void aSlowMqttSubscriberHoldsItsPublisherBackAndLosesNothing() throws Exception {
        MqttInbox inbox = new MqttInbox(true);
        MqttClient subscriber = broker.paho("slow-subscriber", true, inbox);
        subscriber.subscribe("slow/#", 1);
        MqttClient device = broker.paho("fast-device", true, new MqttInbox());
        int total = 300;
        AtomicInteger published = new AtomicInteger();
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    device.publish("slow/reading", String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
                    published.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(DEADLINE).until(() -> sessionQueue().get("messages_ready").asInt() >= MAX_QUEUED / 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3))
                .until(() -> sessionQueue().get("messages_ready").asInt() < MAX_QUEUED);
        assertTrue(published.get() < total, "the publisher waits for its PUBACKs, published " + published.get());

        for (int i = 0; i < total; i++) {
            MqttInbox.Received received = inbox.next();
            assertNotNull(received, "message " + i);
            assertEquals(String.valueOf(i), received.text());
            subscriber.messageArrivedComplete(received.message().getId(), received.message().getQos());
        }
        publishing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
}
