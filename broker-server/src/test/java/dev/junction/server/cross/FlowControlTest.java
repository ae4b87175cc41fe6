package dev.junction.server.cross;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.junction.server.config.ConfigKeys;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #5: a slow consumer slows its publishers, whatever their protocol, by no longer reading them while its
 * queue is above {@code flow.queue_high_watermark}; nothing is lost, order is kept, and a connection that both
 * consumes and publishes is never stopped while its acknowledgements are awaited.
 */
class FlowControlTest {
    private static final int MARK = 50;
    /** A publisher overshoots by what it had sent before it was stopped: a few messages, far below this. */
    private static final int BOUND = 2 * MARK;
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @RegisterExtension
    static final CrossProtocolBroker broker = new CrossProtocolBroker(config -> config
            .with(ConfigKeys.FLOW_QUEUE_HIGH_WATERMARK, MARK));

    /** An AMQP consumer with prefetch 1 that acknowledges nothing until told to drain. */
    private static final class SlowConsumer extends DefaultConsumer {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final BlockingQueue<Long> tags = new LinkedBlockingQueue<>();

        SlowConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            texts.add(new String(body, StandardCharsets.UTF_8));
            tags.add(envelope.getDeliveryTag());
        }

        /**
         * Acknowledges as it receives, checking that {@code count} messages arrive in publish order. A message
         * that does not come is blamed on {@code publishing} when that failed, so a client error is not taken
         * for a stall.
         */
        void drainInOrder(int count, CompletableFuture<Void> publishing) throws Exception {
            for (int i = 0; i < count; i++) {
                String text = texts.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                if (text == null && publishing.isCompletedExceptionally()) {
                    publishing.join();
                }
                assertEquals(String.valueOf(i), text, "message " + i);
                getChannel().basicAck(tags.take(), false);
            }
        }
    }

    private SlowConsumer slowConsumer(String queue, String routingKey) throws Exception {
        Channel channel = broker.amqp();
        channel.queueDeclare(queue, false, false, true, null);
        channel.queueBind(queue, "amq.topic", routingKey);
        channel.basicQos(1);
        SlowConsumer consumer = new SlowConsumer(channel);
        channel.basicConsume(queue, false, consumer);
        return consumer;
    }

    private static int ready(Channel observer, String queue) throws Exception {
        return observer.queueDeclarePassive(queue).getMessageCount();
    }

    private int connectionsInFlow() throws Exception {
        JsonNode connections = broker.management("/api/connections");
        int inFlow = 0;
        for (JsonNode connection : connections) {
            if (connection.get("state").asText().equals("flow")) {
                inFlow++;
            }
        }
        return inFlow;
    }

    /**
     * Once the queue reached the mark, its publisher is in flow and the queue stays bounded for a while. Nothing
     * drains the queue meanwhile, so a count above the bound would stay there: the generous deadline only gives a
     * slow machine time for the half second of observations, it cannot hide an overshoot.
     */
    private void assertHeldNearTheMark(Channel observer, String queue) throws Exception {
        await().atMost(DEADLINE).until(() -> ready(observer, queue) >= MARK);
        await().atMost(DEADLINE).until(() -> connectionsInFlow() == 1);
        await().during(Duration.ofMillis(500)).atMost(DEADLINE)
                .until(() -> ready(observer, queue) <= BOUND);
    }

    @Test
    void slowAmqpConsumerHoldsAnMqttPublisherBackAndLosesNothing() throws Exception {
        SlowConsumer consumer = slowConsumer("flow-from-mqtt", "flow.mqtt");
        Channel observer = broker.amqp();
        MqttClient device = broker.paho("flow-device", true, new MqttInbox());
        int total = 400;
        AtomicInteger published = new AtomicInteger();
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    device.publish("flow/mqtt", String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
                    published.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertHeldNearTheMark(observer, "flow-from-mqtt");
        assertTrue(published.get() < total, "the publisher waits for its PUBACKs, published " + published.get());

        consumer.drainInOrder(total, publishing);
        publishing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(() -> connectionsInFlow() == 0);
    }

    @Test
    void slowAmqpConsumerHoldsAnAmqpPublisherBackAndLosesNothing() throws Exception {
        SlowConsumer consumer = slowConsumer("flow-from-amqp", "flow.amqp");
        Channel observer = broker.amqp();
        Channel publisher = broker.amqp();
        int total = 600;
        // Large enough that one socket read holds only a few: the overshoot is what was read before the stop.
        byte[] padding = new byte[4096];
        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    publisher.basicPublish("amq.topic", "flow.amqp",
                            new AMQP.BasicProperties.Builder().headers(Map.of("pad", padding)).build(),
                            String.valueOf(i).getBytes(StandardCharsets.UTF_8));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertHeldNearTheMark(observer, "flow-from-amqp");

        consumer.drainInOrder(total, publishing);
        publishing.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        await().atMost(DEADLINE).until(() -> connectionsInFlow() == 0);
    }

    @Test
    void belowTheMarkNothingIsHeldBack() throws Exception {
        SlowConsumer consumer = slowConsumer("flow-below", "flow.below");
        MqttClient device = broker.paho("flow-below-device", true, new MqttInbox());
        int total = MARK - 10;
        for (int i = 0; i < total; i++) {
            // QoS 1 publish returns once acknowledged: every one is, with the consumer holding the first.
            device.publish("flow/below", String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        assertEquals(0, connectionsInFlow());
        consumer.drainInOrder(total, CompletableFuture.completedFuture(null));
    }

    @Test
    void amqpConnectionThatConsumesWhatItPublishesKeepsBeingReadForItsAcks() throws Exception {
        Channel consuming = broker.amqp();
        com.rabbitmq.client.Connection connection = consuming.getConnection();
        Channel publishing = connection.createChannel();
        Channel observer = broker.amqp();
        consuming.queueDeclare("flow-loop", false, false, true, null);
        consuming.basicQos(20);
        SlowConsumer consumer = new SlowConsumer(consuming);
        consuming.basicConsume("flow-loop", false, consumer);
        int total = 1000;
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    publishing.basicPublish("", "flow-loop", null, String.valueOf(i).getBytes(StandardCharsets.UTF_8));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Above the mark with unacked deliveries outstanding: the acks below travel behind the publishes.
        await().atMost(DEADLINE).until(() -> ready(observer, "flow-loop") >= MARK);
        consumer.drainInOrder(total, publisher);
        publisher.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void mqttClientThatReceivesWhatItPublishesKeepsBeingReadForItsAcks() throws Exception {
        MqttInbox inbox = new MqttInbox(true);
        MqttClient device = broker.paho("flow-loop-device", true, inbox);
        device.subscribe("loop/#", 1);
        int total = 300;
        AtomicInteger published = new AtomicInteger();
        CompletableFuture<Void> publisher = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    device.publish("loop/x", String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
                    published.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Nothing acknowledged yet: at most mqtt.max_inflight delivered, the rest ready, above the mark.
        await().atMost(DEADLINE).until(() -> published.get() >= MARK + 40);
        for (int i = 0; i < total; i++) {
            MqttInbox.Received received = inbox.next();
            assertNotNull(received);
            assertEquals(String.valueOf(i), received.text());
            device.messageArrivedComplete(received.message().getId(), received.message().getQos());
        }
        publisher.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
}
