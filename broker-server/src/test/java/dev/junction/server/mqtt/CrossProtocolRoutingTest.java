package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** MQTT sessions and core queues share one topic exchange: what issue 5 builds on. */
class CrossProtocolRoutingTest {
    private MqttTestBroker broker;
    private RawMqttClient client;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
        client = new RawMqttClient(broker.port());
        client.connect("device", true);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        broker.close();
    }

    @Test
    void aCorePublishToAmqTopicReachesMqttSubscribersAtTheSubscriptionQos() throws Exception {
        client.send(new Subscribe(1, List.of(new Subscribe.Subscription("devices/+/cmd", MqttQos.AT_LEAST_ONCE))));
        client.read(SubAck.class);
        VirtualHost vhost = broker.core.virtualHost("/");
        vhost.publish("amq.topic", new Message("amq.topic", "devices.42.cmd", MessageProperties.EMPTY,
                Unpooled.copiedBuffer("reboot", StandardCharsets.UTF_8)));
        RawMqttClient.Received received = client.readPublish();
        assertEquals("devices/42/cmd", received.topic());
        assertEquals("reboot", received.payload());
        assertEquals(1, received.qos(), "no x-mqtt-publish-qos header: the subscription's QoS");
        client.send(new PubAck(received.packetId()));
    }

    @Test
    void anMqttPublishReachesACoreQueueBoundWithAnAmqpPattern() throws Exception {
        VirtualHost vhost = broker.core.virtualHost("/");
        vhost.declareQueue("readings", new QueueSettings(false, null, false, Map.of()));
        vhost.bindQueue("amq.topic", "readings", "sensors.*.temperature", Map.of(), null);
        client.send(publish("sensors/kitchen/temperature", 1, 1, false, "21.5"));
        client.read(PubAck.class);
        await().atMost(5, TimeUnit.SECONDS).until(() -> vhost.queue("readings").readyCount() == 1);
        vhost.deleteQueue("readings", null, false, false).join();
    }
}
