package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.Subscribe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 subscription options over real sockets with HiveMQ's client: No Local, Retain As Published, Retain Handling
 * 0/1/2; and No Local on a shared subscription, a Protocol Error (raw bytes: a client library refuses to send it).
 */
class Mqtt5SubscriptionOptionsTest {
    @TempDir
    Path dataDir;
    private Mqtt5SubscribeServer server;

    @BeforeEach
    void start() throws Exception {
        server = new Mqtt5SubscribeServer(dataDir, config -> config);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        return publishes.receive(20, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no PUBLISH in time"));
    }

    private static String text(Mqtt5Publish publish) {
        return new String(publish.getPayloadAsBytes(), StandardCharsets.UTF_8);
    }

    private static void publish(Mqtt5BlockingClient client, String topic, String payload, boolean retain) {
        client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(retain)
                .payload(payload.getBytes(StandardCharsets.UTF_8)).send();
    }

    @Test
    void noLocalKeepsTheClientsOwnMessagesFromThatSubscriptionOnly() throws Exception {
        Mqtt5BlockingClient self = server.hivemq("nl-self");
        Mqtt5BlockingClient other = server.hivemq("nl-other");
        try (Mqtt5BlockingClient.Mqtt5Publishes mine = self.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes theirs = other.publishes(MqttGlobalPublishFilter.ALL)) {
            self.subscribeWith().topicFilter("nl/#").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
            other.subscribeWith().topicFilter("nl/#").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
            publish(self, "nl/a", "own", false);
            assertEquals("own", text(next(theirs)), "others get it");
            publish(other, "nl/b", "from-other", false);
            assertEquals("from-other", text(next(mine)), "its own message never came before this one");

            // Another subscription of the session without No Local still delivers its own messages [MQTT-3.8.3-3].
            self.subscribeWith().topicFilter("nl/+").qos(MqttQos.AT_LEAST_ONCE).send();
            publish(self, "nl/c", "own-again", false);
            Mqtt5Publish again = next(mine);
            assertEquals("own-again", text(again));
            assertEquals(MqttQos.AT_LEAST_ONCE, again.getQos());
        }
    }

    @Test
    void retainAsPublishedKeepsTheFlagOnlyWhereAsked() throws Exception {
        Mqtt5BlockingClient asPublished = server.hivemq("rap-yes");
        Mqtt5BlockingClient cleared = server.hivemq("rap-no");
        Mqtt5BlockingClient publisher = server.hivemq("rap-pub");
        Channel amqp = server.amqp();
        String queue = amqp.queueDeclare().getQueue();
        amqp.queueBind(queue, "amq.topic", "rap.#");
        try (Mqtt5BlockingClient.Mqtt5Publishes kept = asPublished.publishes(MqttGlobalPublishFilter.ALL);
             Mqtt5BlockingClient.Mqtt5Publishes plain = cleared.publishes(MqttGlobalPublishFilter.ALL)) {
            asPublished.subscribeWith().topicFilter("rap/#").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true)
                    .send();
            cleared.subscribeWith().topicFilter("rap/#").qos(MqttQos.AT_LEAST_ONCE).send();
            publish(publisher, "rap/x", "retained", true);
            publish(publisher, "rap/y", "live", false);

            Mqtt5Publish first = next(kept);
            assertEquals("retained", text(first));
            assertTrue(first.isRetain(), "Retain As Published: RETAIN as published [MQTT-3.3.1-13]");
            assertFalse(next(kept).isRetain(), "a message published without RETAIN");
            Mqtt5Publish clearedFirst = next(plain);
            assertEquals("retained", text(clearedFirst));
            assertFalse(clearedFirst.isRetain(), "without the option RETAIN is 0 [MQTT-3.3.1-12]");
        }
        GetResponse seenByAmqp = amqp.basicGet(queue, true);
        assertEquals("retained", new String(seenByAmqp.getBody(), StandardCharsets.UTF_8));
        assertEquals(true, seenByAmqp.getProps().getHeaders().get("x-mqtt-retain"), "the flag AMQP consumers see");
    }

    @Test
    void retainHandlingDecidesWhenRetainedMessagesAreSent() throws Exception {
        Mqtt5BlockingClient publisher = server.hivemq("rh-pub");
        publish(publisher, "rh/x", "retained", true);

        assertEquals(List.of("retained", "retained", "marker"),
                receivedAfterSubscribingTwice(publisher, "rh-0", Mqtt5RetainHandling.SEND),
                "0: at every subscribe, a repeated one too [MQTT-3.3.1-9, MQTT-3.8.4-4]");
        assertEquals(List.of("retained", "marker"),
                receivedAfterSubscribingTwice(publisher, "rh-1", Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST),
                "1: only when the subscription is new [MQTT-3.3.1-10]");
        assertEquals(List.of("marker"),
                receivedAfterSubscribingTwice(publisher, "rh-2", Mqtt5RetainHandling.DO_NOT_SEND),
                "2: never [MQTT-3.3.1-11]");
    }

    /** Subscribes twice to the same filter, then a live marker shows that nothing else came before it. */
    private List<String> receivedAfterSubscribingTwice(Mqtt5BlockingClient publisher, String clientId,
                                                       Mqtt5RetainHandling handling) throws Exception {
        Mqtt5BlockingClient subscriber = server.hivemq(clientId);
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            for (int i = 0; i < 2; i++) {
                subscriber.subscribeWith().topicFilter("rh/+").qos(MqttQos.AT_LEAST_ONCE).retainHandling(handling)
                        .send();
            }
            publish(publisher, "rh/marker", "marker", false);
            List<String> received = new java.util.ArrayList<>();
            String payload;
            do {
                Mqtt5Publish publish = next(publishes);
                payload = text(publish);
                assertEquals(!payload.equals("marker"), publish.isRetain(), "RETAIN 1 only on the retained ones");
                received.add(payload);
            } while (!payload.equals("marker"));
            return received;
        }
    }

    @Test
    void noLocalOnASharedSubscriptionIsAProtocolError() throws Exception {
        RawMqttClient client = server.raw("shared-no-local");
        client.send(new Subscribe(1, List.of(new Subscribe.Subscription("$share/group/a/b",
                dev.junction.mqtt.codec.MqttQos.AT_MOST_ONCE, true, false, Subscribe.RetainHandling.SEND_AT_SUBSCRIBE))));
        assertEquals(ReasonCode.PROTOCOL_ERROR, client.read(Disconnect.class).reasonCode(), "[MQTT-3.8.3-4]");
        client.assertClosedByServer();
    }
}
