package dev.junction.server.mqtt;

import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.message.Message;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bounds of a session's queue (mqtt.max_queued_messages, mqtt.max_queued_bytes): an ordinary outage keeps
 * everything that was acknowledged, and what a bound drops is dead-lettered where mqtt.dead_letter_exchange says.
 */
class SessionQueueBoundsTest {
    private MqttTestBroker broker;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final Paho311Clients pahos = new Paho311Clients(() -> broker.uri());

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        pahos.close();
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyMessagePubAckedToAnOfflineSubscriberArrivesWhenItComesBack() throws Exception {
        broker = new MqttTestBroker();
        MqttClient subscriber = pahos.client("outage");
        subscriber.connect(Paho311Clients.guest(false));
        subscriber.subscribe("meters/#", 1);
        subscriber.disconnect();

        MqttClient publisher = pahos.client("meter");
        MqttConnectOptions publisherOptions = Paho311Clients.guest(false);
        // Paho frees a window slot only after publish() has returned: room for that lag.
        publisherOptions.setMaxInflight(100);
        publisher.connect(publisherOptions);
        for (int i = 0; i < 5_000; i++) {
            // Returns once PUBACKed.
            publisher.publish("meters/1", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }

        Set<String> received = ConcurrentHashMap.newKeySet();
        subscriber.setCallback(Paho311Clients.onMessage(
                (topic, message) -> received.add(new String(message.getPayload(), StandardCharsets.UTF_8))));
        subscriber.connect(Paho311Clients.guest(false));
        await().atMost(60, TimeUnit.SECONDS).until(() -> received.size() == 5_000);
    }

    @Test
    void whatTheMessageBoundDropsIsDeadLetteredWithTheReasonAndTheClientsQueue() throws Exception {
        broker = new MqttTestBroker(MqttSettings.from(Config.defaults()
                .with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, 3)
                .with(ConfigKeys.MQTT_DEAD_LETTER_EXCHANGE, Optional.of("mqtt.dlx"))));
        VirtualHost vhost = broker.core.virtualHost("/");
        vhost.declareExchange("mqtt.dlx", ExchangeType.FANOUT, ExchangeSettings.plain());
        Queue deadLetters = vhost.declareQueue("lost", new QueueSettings(false, null, false, Map.of()));
        vhost.bindQueue("mqtt.dlx", "lost", "", Map.of(), null);
        offlineSubscriber("bounded");

        publishQos1("b", "one", "two", "three", "four", "five");

        await().atMost(30, TimeUnit.SECONDS).until(() -> deadLetters.readyCount() == 2);
        for (String expected : List.of("one", "two")) {
            Message lost = deadLetters.get(true).get(30, TimeUnit.SECONDS).delivery().message();
            try {
                assertEquals(expected, lost.body().toString(StandardCharsets.UTF_8));
                assertEquals("b", lost.routingKey());
                assertEquals("maxlen", String.valueOf(lost.properties().header("x-first-death-reason")));
                assertEquals("mqtt-subscription-bounded",
                        String.valueOf(lost.properties().header("x-first-death-queue")));
            } finally {
                lost.release();
            }
        }
        assertEquals(List.of("three", "four", "five"), reconnectAndRead("bounded", 3));
    }

    @Test
    void theByteBoundDropsTheOldestBodiesBeyondIt() throws Exception {
        broker = new MqttTestBroker(MqttSettings.from(Config.defaults().with(ConfigKeys.MQTT_MAX_QUEUED_BYTES, 10L)));
        offlineSubscriber("small");

        publishQos1("s", "aaaa", "bbbb", "cccc", "dddd");

        await().atMost(30, TimeUnit.SECONDS).until(
                () -> broker.core.virtualHost("/").queue("mqtt-subscription-small").droppedCount() == 2);
        assertEquals(List.of("cccc", "dddd"), reconnectAndRead("small", 2));
    }

    private void offlineSubscriber(String clientId) throws Exception {
        RawMqttClient subscriber = raw();
        subscriber.connect(clientId, false);
        subscriber.send(new Subscribe(1, List.of(new Subscribe.Subscription("#", MqttQos.AT_LEAST_ONCE))));
        subscriber.read(SubAck.class);
        subscriber.close();
        await().atMost(30, TimeUnit.SECONDS).until(() -> broker.mqtt.clientsConnected() == 0);
    }

    private void publishQos1(String topic, String... payloads) throws IOException {
        RawMqttClient publisher = raw();
        publisher.connect("publisher", true);
        int packetId = 1;
        for (String payload : payloads) {
            publisher.send(publish(topic, 1, packetId++, false, payload));
            publisher.read(PubAck.class);
        }
    }

    private List<String> reconnectAndRead(String clientId, int count) throws IOException {
        RawMqttClient back = raw();
        back.connect(clientId, false);
        List<String> received = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RawMqttClient.Received message = back.readPublish();
            received.add(message.payload());
            back.send(new PubAck(message.packetId()));
        }
        return received;
    }

    private RawMqttClient raw() throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        return client;
    }
}
