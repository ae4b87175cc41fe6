package dev.junction.server.cross;

import com.rabbitmq.client.Channel;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * MQTT's topic rules hold for MQTT subscribers whichever protocol published: [MQTT-4.7.2-1] (no '$' topic for a
 * first-level wildcard) and '*', '.' as ordinary characters of a filter, over Paho and the RabbitMQ Java client.
 * Each case publishes what must not arrive before a marker that must, on the same connection, so the marker
 * arriving first proves the other was not delivered rather than late.
 */
class MqttTopicRulesTest {
    @RegisterExtension
    static final CrossProtocolBroker broker = new CrossProtocolBroker(config -> config);

    private static MqttMessage mqttMessage(String text, int qos, boolean retained) {
        MqttMessage message = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
        message.setQos(qos);
        message.setRetained(retained);
        return message;
    }

    /** Publishes {@code hidden} then {@code shown} from Paho at QoS 1, and the same two as routing keys over AMQP. */
    private void publishFromBothProtocols(String name, String hiddenTopic, String shownTopic) throws Exception {
        MqttClient publisher = broker.paho(name + "-pub", true, new MqttInbox());
        publisher.publish(hiddenTopic, mqttMessage("mqtt " + hiddenTopic, 1, false));
        publisher.publish(shownTopic, mqttMessage("mqtt " + shownTopic, 1, false));
        Channel channel = broker.amqp();
        channel.basicPublish("amq.topic", routingKey(hiddenTopic), null, bytes("amqp " + hiddenTopic));
        channel.basicPublish("amq.topic", routingKey(shownTopic), null, bytes("amqp " + shownTopic));
    }

    private static String routingKey(String topic) {
        StringBuilder key = new StringBuilder(topic);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            key.setCharAt(i, c == '/' ? '.' : c == '.' ? '/' : c);
        }
        return key.toString();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The next two messages, sorted by text: one from each protocol. */
    private static List<String> nextTwo(MqttInbox inbox) throws InterruptedException {
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            MqttInbox.Received next = inbox.next();
            received.add(next.topic() + "=" + next.text() + "@" + next.message().getQos());
        }
        received.sort(null);
        return received;
    }

    @ParameterizedTest(name = "only filter \"{0}\" at QoS {1}")
    @CsvSource({"#,0", "#,1", "+/x,0", "+/x,1"})
    void aFirstLevelWildcardDoesNotReachDollarTopicsFromEitherProtocol(String filter, int qos) throws Exception {
        String name = "dollar-" + (filter.equals("#") ? "hash" : "plus") + qos;
        MqttInbox wildcard = new MqttInbox();
        broker.paho(name + "-wild", true, wildcard).subscribe(filter, qos);
        MqttInbox explicit = new MqttInbox();
        broker.paho(name + "-explicit", true, explicit).subscribe("$app/#", 1);

        publishFromBothProtocols(name, "$app/x", "m/x");

        assertEquals(List.of("m/x=amqp m/x@" + qos, "m/x=mqtt m/x@" + qos), nextTwo(wildcard));
        assertEquals(List.of("$app/x=amqp $app/x@1", "$app/x=mqtt $app/x@1"), nextTwo(explicit));
    }

    /** '*' and '.' are ordinary characters of a filter: neither an AMQP wildcard nor a level separator. */
    @ParameterizedTest(name = "filter \"{0}\" gets \"{2}\", not \"{1}\"")
    @CsvSource({"s/*,s/secret,s/*", "*,one,*", "a.b,a/b,a.b"})
    void starAndDotInAFilterAreOrdinaryCharacters(String filter, String hidden, String shown) throws Exception {
        String name = "literal-" + Integer.toHexString(filter.hashCode());
        MqttInbox inbox = new MqttInbox();
        broker.paho(name + "-sub", true, inbox).subscribe(filter, 1);
        publishFromBothProtocols(name, hidden, shown);
        assertEquals(List.of(shown + "=amqp " + shown + "@1", shown + "=mqtt " + shown + "@1"), nextTwo(inbox));
    }

    @Test
    void theDeliveryQosIsTheHighestGrantOfTheMatchingFiltersAlone() throws Exception {
        MqttInbox inbox = new MqttInbox();
        MqttClient subscriber = broker.paho("grants-sub", true, inbox);
        subscriber.subscribe(new String[] {"g/#", "g/two", "$g/#"}, new int[] {0, 2, 1});
        MqttClient publisher = broker.paho("grants-pub", true, new MqttInbox());
        publisher.publish("g/two", mqttMessage("two", 2, false));
        publisher.publish("g/other", mqttMessage("other", 2, false));
        publisher.publish("$g/x", mqttMessage("dollar", 2, false));
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MqttInbox.Received next = inbox.next();
            received.add(next.topic() + "@" + next.message().getQos());
        }
        assertEquals(List.of("g/two@2", "g/other@0", "$g/x@1"), received);
    }

    @Test
    void retainedMessagesFollowTheSameRules() throws Exception {
        MqttClient publisher = broker.paho("retain-pub", true, new MqttInbox());
        List<String> retained = List.of("$r/x", "r/secret", "r/*", "r/a/b", "r/a.b", "r/zz");
        for (String topic : retained) {
            publisher.publish(topic, mqttMessage(topic, 1, true));
        }
        try {
            expectRetained(publisher);
        } finally {
            // The broker is shared by this class's tests: '#' subscribers elsewhere must not find these.
            for (String topic : retained) {
                publisher.publish(topic, mqttMessage("", 1, true));
            }
        }
    }

    private void expectRetained(MqttClient publisher) throws Exception {
        for (String[] filterAndExpected : new String[][] {
                {"#", "r/*,r/a.b,r/a/b,r/secret,r/zz"}, {"+/x", ""}, {"$r/+", "$r/x"}, {"r/*", "r/*"},
                {"r/a.b", "r/a.b"}, {"r/+", "r/*,r/a.b,r/secret,r/zz"}}) {
            MqttInbox inbox = new MqttInbox();
            MqttClient subscriber = broker.paho("retain-sub", true, inbox);
            String filter = filterAndExpected[0];
            // Retained messages come before the SUBACK returns; one filter per connection keeps them apart.
            subscriber.subscribe(new String[] {filter, "zz/end"}, new int[] {1, 1});
            publisher.publish("zz/end", mqttMessage("end", 1, false));
            List<String> topics = new ArrayList<>();
            for (MqttInbox.Received next = inbox.next(); !next.topic().equals("zz/end"); next = inbox.next()) {
                topics.add(next.topic());
            }
            topics.sort(null);
            assertEquals(filterAndExpected[1], String.join(",", topics), filter);
            subscriber.disconnect(1000);
            subscriber.close(true);
        }
    }
}
