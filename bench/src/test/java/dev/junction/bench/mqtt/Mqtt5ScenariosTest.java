package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.mqtt.codec.MqttQos;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The MQTT 5 runs of bench/scripts/compare.sh, small, against one broker a subclass starts: QoS 0 and 1
 * throughput and the shared subscription group, without and with topic aliases.
 */
abstract class Mqtt5ScenariosTest {

    /** The broker's MQTT listener. */
    abstract InetSocketAddress broker();

    /** The broker's process id for its CPU figures, 0 if it is not known. */
    abstract long brokerPid();

    @ParameterizedTest
    @EnumSource(value = MqttQos.class, names = {"AT_MOST_ONCE", "AT_LEAST_ONCE"})
    void mqtt5ThroughputDeliversEveryMessage(MqttQos qos) throws Exception {
        assertComplete(ThroughputScenario.oneToOne(qos).run(settings(false), 2000), 2000);
        assertComplete(ThroughputScenario.fanIn(5, qos).run(settings(false), 1000), 1000);
    }

    @ParameterizedTest
    @EnumSource(value = MqttQos.class, names = {"AT_MOST_ONCE", "AT_LEAST_ONCE"})
    void withTopicAliasesEveryMessageArrives(MqttQos qos) throws Exception {
        assertAliasesGranted();
        assertComplete(ThroughputScenario.oneToOne(qos).run(settings(true), 2000), 2000);
        assertComplete(ThroughputScenario.fanIn(5, qos).run(settings(true), 1000), 1000);
    }

    @Test
    void anMqtt5SharedGroupDeliversEachMessageOnceAcrossItsMembers() throws Exception {
        assertSharedOnce(new SharedGroupScenario(3, 4, MqttQos.AT_LEAST_ONCE).run(settings(false), 1200), 3, 1200);
    }

    @Test
    void anMqtt5SharedGroupFedThroughTopicAliasesDeliversEachMessageOnce() throws Exception {
        assertAliasesGranted();
        assertSharedOnce(new SharedGroupScenario(3, 4, MqttQos.AT_LEAST_ONCE).run(settings(true), 1200), 3, 1200);
    }

    private LoadSettings settings(boolean topicAliases) {
        return new LoadSettings(broker(), brokerPid(), 1, 32, 100, 10, ClientOptions.mqtt5(true, topicAliases),
                new Phase(Duration.ofSeconds(30), Duration.ofSeconds(10)));
    }

    /** Both brokers grant topic aliases in CONNACK: a broker that stopped would make these rows meaningless. */
    private void assertAliasesGranted() throws Exception {
        try (LoadClients clients = new LoadClients(broker(), 1)) {
            LoadClient probe = clients.connect(new LoadClient("alias-probe-" + System.nanoTime(),
                    ClientOptions.mqtt5(true, true), new DeliveryWindow(1, 1, 1), null)).join();
            int maximum = probe.brokerTopicAliasMaximum();
            probe.close().join();
            assertTrue(maximum > 0, "the broker's CONNACK grants no topic aliases");
        }
    }

    private static void assertSharedOnce(Result result, int members, long messages) {
        assertComplete(result, messages);
        String[] counts = result.get("member_counts").split(",");
        assertEquals(members, counts.length, result.line());
        long sum = 0;
        for (String count : counts) {
            sum += Long.parseLong(count);
            assertTrue(Long.parseLong(count) > 0, "every member takes a share: " + result.line());
        }
        assertEquals(messages, sum, result.line());
    }

    private static void assertComplete(Result result, long deliveries) {
        assertEquals("true", result.get("complete"), result.line());
        assertEquals(Long.toString(deliveries), result.get("delivered"), result.line());
    }
}
