package dev.junction.server.cross;

import com.fasterxml.jackson.databind.JsonNode;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MQTT devices and AMQP services through one routing core (issue 5): the mapping, both directions. */
class CrossProtocolTest {
    @RegisterExtension
    static final CrossProtocolBroker broker = new CrossProtocolBroker(config -> config);

    /** The next message of an AMQP queue, acknowledged as it is taken. */
    static GetResponse get(Channel channel, String queue) {
        return getUnsettled(channel, queue, true);
    }

    static GetResponse getUnsettled(Channel channel, String queue, boolean autoAck) {
        return await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, autoAck), r -> r != null);
    }

    static byte[] everyByteValue() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    static AMQP.BasicProperties withHeaders(Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().headers(headers).build();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void anMqttPublishReachesAmqpQueuesBoundWithPatterns(int qos) throws Exception {
        Channel channel = broker.amqp();
        String readings = channel.queueDeclare().getQueue();
        channel.queueBind(readings, "amq.topic", "sensors.*.temperature");
        String everything = channel.queueDeclare().getQueue();
        channel.queueBind(everything, "amq.topic", "sensors.#");
        MqttClient device = broker.paho("sensor-" + qos, true, new MqttInbox());
        MqttMessage reading = new MqttMessage(everyByteValue());
        reading.setQos(qos);
        device.publish("sensors/kitchen/temperature", reading);
        if (qos > 0) {
            // PUBACK/PUBCOMP came after the message was handed to both queues: a get queued behind it finds it.
            assertArrayEquals(everyByteValue(), channel.basicGet(readings, false).getBody());
            channel.basicRecover(true);
        }

        for (String queue : new String[]{readings, everything}) {
            GetResponse got = get(channel, queue);
            assertArrayEquals(everyByteValue(), got.getBody(), "payload bytes untouched");
            assertEquals("amq.topic", got.getEnvelope().getExchange());
            assertEquals("sensors.kitchen.temperature", got.getEnvelope().getRoutingKey());
            assertEquals(qos, ((Number) got.getProps().getHeaders().get("x-mqtt-publish-qos")).intValue());
            assertEquals(qos == 0 ? null : 2, got.getProps().getDeliveryMode(), "QoS 1 and 2 are persistent");
        }
    }

    @Test
    void anAmqpPublishReachesMqttSubscribersOfExactAndWildcardFiltersAtTheirQos() throws Exception {
        MqttInbox exact = new MqttInbox();
        broker.paho("cmd-exact", true, exact).subscribe("devices/42/cmd", 2);
        MqttInbox single = new MqttInbox();
        broker.paho("cmd-single", true, single).subscribe("devices/+/cmd", 1);
        Mqtt3BlockingClient multi = broker.hive("cmd-multi");
        multi.connect();
        try (Mqtt3BlockingClient.Mqtt3Publishes multiInbox = multi.publishes(MqttGlobalPublishFilter.ALL)) {
            multi.subscribeWith().topicFilter("devices/#").qos(MqttQos.AT_MOST_ONCE).send();
            Channel service = broker.amqp();

            service.basicPublish("amq.topic", "devices.42.cmd", null, "reboot".getBytes(StandardCharsets.UTF_8));
            MqttInbox.Received atTwo = exact.next();
            assertEquals("devices/42/cmd", atTwo.topic());
            assertEquals("reboot", atTwo.text());
            assertEquals(2, atTwo.message().getQos(), "no header: the subscription's QoS");
            assertEquals(1, single.next().message().getQos());
            Mqtt3Publish atZero = multiInbox.receive(5, TimeUnit.SECONDS).orElseThrow();
            assertEquals("devices/42/cmd", atZero.getTopic().toString());
            assertEquals(MqttQos.AT_MOST_ONCE, atZero.getQos());

            service.basicPublish("amq.topic", "devices.42.cmd", withHeaders(Map.of("x-mqtt-publish-qos", 1)),
                    "status".getBytes(StandardCharsets.UTF_8));
            assertEquals(1, exact.next().message().getQos(), "the lower of the header and the subscription");
            assertEquals(1, single.next().message().getQos());
            assertEquals(MqttQos.AT_MOST_ONCE, multiInbox.receive(5, TimeUnit.SECONDS).orElseThrow().getQos());
        }
    }

    @Test
    void anAmqpTopicBindingAndAnMqttSubscriptionReceiveTheSameMqttPublish() throws Exception {
        Channel channel = broker.amqp();
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, "amq.topic", "*.lamp.#");
        MqttInbox inbox = new MqttInbox();
        broker.paho("lamp-watcher", true, inbox).subscribe("+/lamp/#", 2);
        Mqtt3BlockingClient device = broker.hive("lamp-device");
        device.connect();
        device.publishWith().topic("hall/lamp/1/state").qos(MqttQos.EXACTLY_ONCE)
                .payload("on".getBytes(StandardCharsets.UTF_8)).send();

        MqttInbox.Received received = inbox.next();
        assertEquals("hall/lamp/1/state", received.topic());
        assertEquals(2, received.message().getQos());
        GetResponse got = get(channel, queue);
        assertEquals("hall.lamp.1.state", got.getEnvelope().getRoutingKey());
        assertEquals("on", new String(got.getBody(), StandardCharsets.UTF_8));
    }

    @Test
    void anOfflinePersistentSessionCollectsAmqpPublishesAndGetsThemOnReconnect() throws Exception {
        MqttInbox firstConnection = new MqttInbox();
        MqttClient device = broker.paho("pump-7", false, firstConnection);
        device.subscribe("alerts/pump-7/#", 1);
        device.disconnect();

        Channel service = broker.amqp();
        service.confirmSelect();
        for (int i = 0; i < 3; i++) {
            service.basicPublish("amq.topic", "alerts.pump-7.pressure", MessageProperties.PERSISTENT_BASIC,
                    ("alert " + i).getBytes(StandardCharsets.UTF_8));
        }
        service.waitForConfirmsOrDie(5_000);
        // The offline session is a queue the management API lists, holding what waits for the device.
        await().atMost(5, TimeUnit.SECONDS).until(() -> broker.management(
                "/api/queues/%2F/mqtt-subscription-pump-7").path("messages_ready").asInt() == 3);

        MqttInbox reconnected = new MqttInbox();
        broker.paho("pump-7", false, reconnected);
        for (int i = 0; i < 3; i++) {
            MqttInbox.Received received = reconnected.next();
            assertEquals("alerts/pump-7/pressure", received.topic());
            assertEquals("alert " + i, received.text());
            assertEquals(1, received.message().getQos());
        }
    }

    @Test
    void oneMessageRoutedToBothProtocolsIsSettledForEachQueueAlone() throws Exception {
        Channel consumer = broker.amqp();
        String queue = consumer.queueDeclare("valve-audit", false, false, false, null).getQueue();
        consumer.queueBind(queue, "amq.topic", "valves.#");
        MqttInbox inbox = new MqttInbox();
        broker.paho("valve-panel", true, inbox).subscribe("valves/+", 1);
        Channel publisher = broker.amqp();
        publisher.confirmSelect();
        publisher.basicPublish("amq.topic", "valves.v3", null, "open".getBytes(StandardCharsets.UTF_8));
        publisher.waitForConfirmsOrDie(5_000);

        // The MQTT subscriber has it and acknowledged it; the AMQP copy is still unsettled and comes back.
        assertEquals("open", inbox.next().text());
        GetResponse first = getUnsettled(consumer, queue, false);
        assertFalse(first.getEnvelope().isRedeliver());
        consumer.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
        GetResponse again = getUnsettled(consumer, queue, false);
        assertTrue(again.getEnvelope().isRedeliver());
        consumer.basicAck(again.getEnvelope().getDeliveryTag(), false);
        assertNull(consumer.basicGet(queue, true));

        // Nothing was redelivered to MQTT: the next message there is the next one published.
        publisher.basicPublish("amq.topic", "valves.v4", null, "closed".getBytes(StandardCharsets.UTF_8));
        assertEquals("valves/v4", inbox.next().topic());
        consumer.queueDelete(queue);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSessionIsAQueueNamedAfterItsClientLockedToItWhenClean(boolean cleanSession) throws Exception {
        String clientId = "visible-" + cleanSession;
        broker.paho(clientId, cleanSession, new MqttInbox()).subscribe("visible/#", 1);
        Channel channel = broker.amqp();
        if (cleanSession) {
            // 405, not 404: the queue is there, and like another connection's exclusive queue it is not AMQP's.
            IOException passive = assertThrows(IOException.class,
                    () -> channel.queueDeclarePassive("mqtt-subscription-" + clientId));
            assertEquals("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'mqtt-subscription-"
                    + clientId + "' in vhost '/'", ((AMQP.Channel.Close) ((ShutdownSignalException) passive.getCause())
                    .getReason()).getReplyText());
        } else {
            // A persistent session's queue is durable and shared, so that the store keeps it across a restart.
            assertEquals("mqtt-subscription-" + clientId,
                    channel.queueDeclarePassive("mqtt-subscription-" + clientId).getQueue());
        }
        JsonNode listed = null;
        for (JsonNode queue : broker.management("/api/queues/%2F")) {
            if (queue.path("name").asText().equals("mqtt-subscription-" + clientId)) {
                listed = queue;
            }
        }
        assertNotNull(listed, "listed like any other queue");
        assertEquals(!cleanSession, listed.path("durable").asBoolean());
        assertEquals(cleanSession, listed.path("exclusive").asBoolean());
        List<String> keys = new ArrayList<>();
        broker.management("/api/queues/%2F/mqtt-subscription-" + clientId + "/bindings")
                .forEach(b -> keys.add(b.path("source").asText() + " " + b.path("routing_key").asText() + " "
                        + b.path("arguments").path("x-mqtt-subscription-qos").asText()));
        // The filter as the client sent it, held in MQTT syntax, with the QoS it was granted.
        assertTrue(keys.contains("amq.topic visible/# 1"), keys.toString());
    }

    @Test
    void deletingAnOfflineSessionsQueueThroughTheManagementApiEndsTheSession() throws Exception {
        Mqtt3BlockingClient device = broker.hive("deleted-device");
        device.connectWith().cleanSession(false).send();
        device.subscribeWith().topicFilter("deleted/#").qos(MqttQos.AT_LEAST_ONCE).send();
        device.disconnect();
        broker.management("DELETE", "/api/queues/%2F/mqtt-subscription-deleted-device", 204);

        // The session learns of the deletion asynchronously; a reconnect racing it may still find it once.
        await().atMost(5, TimeUnit.SECONDS).until(() -> {
            boolean present = device.connectWith().cleanSession(false).send().isSessionPresent();
            device.disconnect();
            return !present;
        });
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = device.publishes(MqttGlobalPublishFilter.ALL)) {
            device.connectWith().cleanSession(false).send();
            device.subscribeWith().topicFilter("deleted/#").qos(MqttQos.AT_LEAST_ONCE).send();
            broker.amqp().basicPublish("amq.topic", "deleted.again", null, "fresh".getBytes(StandardCharsets.UTF_8));
            assertEquals("deleted/again", publishes.receive(5, TimeUnit.SECONDS).orElseThrow().getTopic().toString());
        }
    }
}
