package dev.junction.server.cross;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.junction.server.config.ConfigKeys;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.cross.CrossProtocolTest.everyByteValue;
import static dev.junction.server.cross.CrossProtocolTest.get;
import static dev.junction.server.cross.CrossProtocolTest.withHeaders;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The edge cases of issue 5 and the limits of both protocols' queues, each decided in docs/cross-protocol.md. */
class CrossProtocolEdgeCasesTest {
    private static final int MAX_PACKET_SIZE = 1024;
    private static final int MAX_QUEUED = 5;
    private static final int MAX_INFLIGHT = 2;

    @RegisterExtension
    static final CrossProtocolBroker broker = new CrossProtocolBroker(config -> config
            .with(ConfigKeys.MQTT_MAX_PACKET_SIZE, MAX_PACKET_SIZE)
            .with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, MAX_QUEUED)
            // Mosquitto's way, which aSlowMqttSubscribersQueueStaysBoundedWhileAmqpPublishersGoOn checks; the
            // default (hold) is SlowMqttSubscriberTest's.
            .with(ConfigKeys.MQTT_SLOW_SUBSCRIBER, "drop")
            .with(ConfigKeys.MQTT_MAX_INFLIGHT, MAX_INFLIGHT)
            .with(ConfigKeys.MQTT_SYS_INTERVAL, 1));

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MqttMessage mqttMessage(String text, int qos, boolean retained) {
        MqttMessage message = new MqttMessage(bytes(text));
        message.setQos(qos);
        message.setRetained(retained);
        return message;
    }

    @Test
    void dotsInTopicsAndSlashesInRoutingKeysSwapPlaces() throws Exception {
        Channel channel = broker.amqp();
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, "amq.topic", "firmware/1.*");
        MqttInbox inbox = new MqttInbox();
        MqttClient device = broker.paho("dotted", true, inbox);
        device.subscribe("fw.3/update", 1);

        device.publish("firmware.1/status", mqttMessage("v1.2 installed", 1, false));
        assertEquals("firmware/1.status", get(channel, queue).getEnvelope().getRoutingKey());

        channel.basicPublish("amq.topic", "fw/3.update", null, bytes("v1.3"));
        MqttInbox.Received received = inbox.next();
        assertEquals("fw.3/update", received.topic());
        assertEquals("v1.3", received.text());
    }

    @Test
    void emptyLevelsAreEmptyWords() throws Exception {
        Channel channel = broker.amqp();
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, "amq.topic", "plant.*.line");
        channel.queueBind(queue, "amq.topic", "*.lead");
        MqttInbox inbox = new MqttInbox();
        MqttClient device = broker.paho("empty-levels", true, inbox);
        device.subscribe("x/+/y", 1);

        device.publish("plant//line", mqttMessage("empty middle level", 1, false));
        assertEquals("plant..line", get(channel, queue).getEnvelope().getRoutingKey());
        device.publish("/lead", mqttMessage("empty first level", 1, false));
        assertEquals(".lead", get(channel, queue).getEnvelope().getRoutingKey());

        channel.basicPublish("amq.topic", "x..y", null, bytes("from AMQP"));
        assertEquals("x//y", inbox.next().topic());
    }

    @Test
    void routingKeysThatAreNoMqttTopicNameAreDroppedForMqttOnly() throws Exception {
        MqttInbox inbox = new MqttInbox();
        broker.paho("strict-topics", true, inbox).subscribe("inv/#", 1);
        Channel channel = broker.amqp();
        String amqpSide = channel.queueDeclare().getQueue();
        channel.queueBind(amqpSide, "amq.topic", "inv.#");

        channel.basicPublish("amq.topic", "inv.#", null, bytes("literal hash"));
        channel.basicPublish("amq.topic", "inv.a+b", null, bytes("plus inside a level"));
        channel.basicPublish("amq.topic", "inv.ok", null, bytes("marker"));
        MqttInbox.Received received = inbox.next();
        assertEquals("inv/ok", received.topic(), "the two before were dropped, in queue order");
        assertNull(inbox.connectionLostCause());
        assertEquals("inv.#", get(channel, amqpSide).getEnvelope().getRoutingKey());
        assertEquals("inv.a+b", get(channel, amqpSide).getEnvelope().getRoutingKey());
    }

    @Test
    void amqpCannotForgeSysTopicsForMqttSubscribers() throws Exception {
        MqttInbox inbox = new MqttInbox();
        MqttClient watcher = broker.paho("sys-watcher", true, inbox);
        watcher.subscribe(new String[]{"$SYS/broker/version", "#", "$app/x"}, new int[]{0, 0, 0});
        assertTrue(inbox.next().text().startsWith("Junction "), "the retained $SYS value");
        Channel channel = broker.amqp();
        String amqpSide = channel.queueDeclare().getQueue();
        channel.queueBind(amqpSide, "amq.topic", "$SYS.#");

        channel.basicPublish("amq.topic", "$SYS.broker.version", null, bytes("forged"));
        channel.basicPublish("amq.topic", "$app.x", null, bytes("other $ topics route"));
        channel.basicPublish("amq.topic", "marker", null, bytes("after the forgery"));
        // Same session queue, in order: once the marker is here, the forged message was dropped, not delayed.
        List<String> seen = new ArrayList<>();
        MqttInbox.Received next;
        do {
            next = inbox.next();
            seen.add(next.topic() + "=" + next.text());
        } while (!next.topic().equals("marker"));
        assertFalse(seen.contains("$SYS/broker/version=forged"), seen.toString());
        assertTrue(seen.contains("$app/x=other $ topics route"), seen.toString());
        // AMQP queues bound to such keys are AMQP's own business: they get it.
        assertEquals("forged", new String(get(channel, amqpSide).getBody(), StandardCharsets.UTF_8));
    }

    @Test
    void anAmqpMessageTooLargeForMqttIsDroppedForThatSubscriberAloneAndCounted() throws Exception {
        MqttInbox inbox = new MqttInbox();
        MqttClient subscriber = broker.paho("small-packets", true, inbox);
        subscriber.subscribe("big/edge", 1);
        subscriber.subscribe("$SYS/broker/messages/dropped", 0);
        long droppedBefore = Long.parseLong(inbox.next().text());
        Channel channel = broker.amqp();
        String amqpSide = channel.queueDeclare().getQueue();
        channel.queueBind(amqpSide, "amq.topic", "big.#");
        // QoS 1 PUBLISH of 'big/edge': 1 type byte + 2 length bytes + 2 + 8 topic bytes + 2 packet id + payload.
        int largestFitting = MAX_PACKET_SIZE - 1 - 2 - 2 - 8 - 2;

        channel.basicPublish("amq.topic", "big.edge", null, new byte[largestFitting + 1]);
        channel.basicPublish("amq.topic", "big.edge", null, new byte[largestFitting]);
        MqttInbox.Received received = inbox.nextOutsideSys();
        assertEquals(largestFitting, received.message().getPayload().length, "the larger one was dropped");
        assertTrue(subscriber.isConnected());
        assertNull(inbox.connectionLostCause());
        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            MqttInbox.Received sys = inbox.next();
            return sys.topic().startsWith("$SYS") && Long.parseLong(sys.text()) > droppedBefore;
        });
        assertEquals(largestFitting + 1, get(channel, amqpSide).getBody().length, "AMQP consumers get it");
    }

    @Test
    void amqpPropertiesStayBehindAndOnlyThePayloadReachesMqtt() throws Exception {
        MqttInbox inbox = new MqttInbox();
        broker.paho("property-less", true, inbox).subscribe("meters/+", 2);
        Channel channel = broker.amqp();
        String amqpSide = channel.queueDeclare().getQueue();
        channel.queueBind(amqpSide, "amq.topic", "meters.*");
        AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().contentType("application/octet-stream")
                .contentEncoding("identity").headers(Map.of("unit", "kWh")).deliveryMode(2).priority(5)
                .correlationId("c-1").replyTo("replies").messageId("m-1").timestamp(new Date(1_700_000_000_000L))
                .type("reading").appId("billing").build();

        channel.basicPublish("amq.topic", "meters.m9", properties, everyByteValue());
        MqttInbox.Received received = inbox.next();
        assertEquals("meters/m9", received.topic());
        assertArrayEquals(everyByteValue(), received.message().getPayload());
        assertEquals(2, received.message().getQos());
        assertFalse(received.message().isRetained());
        GetResponse amqp = get(channel, amqpSide);
        assertEquals("c-1", amqp.getProps().getCorrelationId(), "the AMQP copy keeps its properties");
        assertEquals("kWh", amqp.getProps().getHeaders().get("unit").toString());
    }

    @Test
    void aQosHeaderThatIsNoMqttQosLeavesTheSubscriptionsQos() throws Exception {
        MqttInbox inbox = new MqttInbox();
        broker.paho("odd-headers", true, inbox).subscribe("odd/#", 2);
        Channel channel = broker.amqp();
        for (Object value : new Object[]{-1, 7, "1", 0L}) {
            channel.basicPublish("amq.topic", "odd.header", withHeaders(Map.of("x-mqtt-publish-qos", value)),
                    bytes(String.valueOf(value)));
        }
        // Paho hands a QoS 2 message over only at PUBREL, so the QoS 0 one may come first.
        Map<String, Integer> qosByHeader = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            MqttInbox.Received received = inbox.next();
            qosByHeader.put(received.text(), received.message().getQos());
        }
        assertEquals(Map.of("-1", 2, "7", 2, "1", 2, "0", 0), qosByHeader, "a long 0 is a valid QoS 0");
    }

    @Test
    void retainedMessagesAreMqttSideOnly() throws Exception {
        MqttClient device = broker.paho("retainer", true, new MqttInbox());
        Channel channel = broker.amqp();
        String amqpSide = channel.queueDeclare().getQueue();
        channel.queueBind(amqpSide, "amq.topic", "rooms.#");

        device.publish("rooms/1/light", mqttMessage("on", 1, true));
        GetResponse routed = get(channel, amqpSide);
        assertEquals("on", new String(routed.getBody(), StandardCharsets.UTF_8), "routed like any other publish");
        channel.basicPublish("amq.topic", "rooms.2.light",
                new AMQP.BasicProperties.Builder().headers(Map.of("x-mqtt-retain", true)).build(), bytes("off"));

        MqttInbox inbox = new MqttInbox();
        MqttClient late = broker.paho("late-subscriber", true, inbox);
        late.subscribe("rooms/+/light", 1);
        MqttInbox.Received retained = inbox.next();
        assertEquals("rooms/1/light", retained.topic());
        assertTrue(retained.message().isRetained());
        channel.basicPublish("amq.topic", "rooms.2.light", null, bytes("marker"));
        MqttInbox.Received next = inbox.next();
        assertEquals("marker", next.text(), "the AMQP publish was not retained");
        assertFalse(next.message().isRetained());
    }

    @Test
    void aSlowMqttSubscribersQueueStaysBoundedWhileAmqpPublishersGoOn() throws Exception {
        MqttInbox inbox = new MqttInbox(true);
        MqttClient slow = broker.paho("slow-device", true, inbox);
        slow.subscribe("flood/#", 1);
        Channel publisher = broker.amqp();
        publisher.confirmSelect();
        int published = 50;
        for (int i = 0; i < published; i++) {
            publisher.basicPublish("amq.topic", "flood.n", null, bytes(String.valueOf(i)));
        }
        // Never blocked nor refused: every publish is confirmed although the subscriber acknowledges nothing.
        publisher.waitForConfirmsOrDie(5_000);

        List<Integer> received = new ArrayList<>();
        MqttInbox.Received next;
        do {
            next = inbox.next();
            received.add(Integer.parseInt(next.text()));
            slow.messageArrivedComplete(next.message().getId(), next.message().getQos());
        } while (received.get(received.size() - 1) != published - 1);
        assertTrue(received.size() <= MAX_QUEUED + MAX_INFLIGHT, "at most the queue's limit plus the in-flight "
                + "window, oldest dropped first: " + received);
        List<Integer> newest = received.subList(received.size() - MAX_QUEUED, received.size());
        assertEquals(List.of(45, 46, 47, 48, 49), newest);
    }

    @Test
    void aSlowAmqpConsumersQueueIsBoundedOnlyByItsOwnLimits() throws Exception {
        Channel consumer = broker.amqp();
        String bounded = consumer.queueDeclare("bounded-readings", false, false, true,
                Map.of("x-max-length", 3)).getQueue();
        consumer.queueBind(bounded, "amq.topic", "gauges.#");
        String unbounded = consumer.queueDeclare().getQueue();
        consumer.queueBind(unbounded, "amq.topic", "gauges.#");
        MqttClient device = broker.paho("gauge", true, new MqttInbox());

        for (int i = 0; i < 10; i++) {
            device.publish("gauges/g1", mqttMessage(String.valueOf(i), 1, false));
        }
        // Every QoS 1 publish was acknowledged: the drop-head queue kept the newest three, the unlimited one all ten.
        await().atMost(5, TimeUnit.SECONDS).until(() -> consumer.messageCount(unbounded) == 10);
        assertEquals(3, consumer.messageCount(bounded));
        assertEquals("7", new String(get(consumer, bounded).getBody(), StandardCharsets.UTF_8));
        consumer.queueDelete(bounded);
    }

    @Test
    void aPublishARejectPublishQueueRefusesIsNotAcknowledgedAndLaterOnesStillAre() throws Exception {
        Channel consumer = broker.amqp();
        String refusing = consumer.queueDeclare("refusing-readings", false, false, true,
                Map.of("x-max-length", 3, "x-overflow", "reject-publish")).getQueue();
        consumer.queueBind(refusing, "amq.topic", "meters.#");
        String other = consumer.queueDeclare().getQueue();
        consumer.queueBind(other, "amq.topic", "others.#");
        MqttClient device = broker.paho("meter", true, new MqttInbox());

        List<MqttDeliveryToken> tokens = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tokens.add(device.getTopic("meters/m1").publish(mqttMessage(String.valueOf(i), 1, false)));
        }
        MqttDeliveryToken later = device.getTopic("others/o1").publish(mqttMessage("later", 1, false));
        // The three the queue took are acknowledged, and so is a later publish it was not asked to take; the two
        // it refused are not, so the device keeps them to send again rather than believing them delivered.
        later.waitForCompletion(5_000);
        for (int i = 0; i < 3; i++) {
            tokens.get(i).waitForCompletion(5_000);
        }
        await().during(500, TimeUnit.MILLISECONDS).atMost(2, TimeUnit.SECONDS)
                .until(() -> !tokens.get(3).isComplete() && !tokens.get(4).isComplete());
        assertEquals(3, consumer.messageCount(refusing));
        assertEquals("0", new String(get(consumer, refusing).getBody(), StandardCharsets.UTF_8));
        consumer.queueDelete(refusing);
    }
}
