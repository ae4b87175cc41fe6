package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.bench.LoopbackJunction;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.server.JunctionServer;
import dev.junction.server.net.Protocol;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every scenario, small, against a real Junction in this JVM (whose /proc figures are then this process's). */
class ScenariosAgainstJunctionTest {
    @TempDir
    static Path dataDir;
    static JunctionServer server;
    static LoadSettings settings;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackJunction.start(dataDir);
        settings = new LoadSettings(new InetSocketAddress("127.0.0.1", server.port(Protocol.MQTT)),
                ProcessHandle.current().pid(), 1, 32, 100, 10, ClientOptions.mqtt311(true), new Phase(Duration.ofSeconds(20), Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void oneToOneDeliversEveryMessage(MqttQos qos) throws Exception {
        Result result = ThroughputScenario.oneToOne(qos).run(settings, 2000);
        assertComplete(result, 2000);
        assertEquals("qos" + qos.value(), result.get("scenario"));
        assertTrue(Long.parseLong(result.get("msgs_per_s")) > 0, result.line());
        assertTrue(result.line().contains(" broker_cpu_us_per_msg="), result.line());
    }

    @Test
    void persistentSessionsDeliverEveryStoredQos1Message() throws Exception {
        LoadSettings persistent = new LoadSettings(settings.broker(), settings.brokerPid(), settings.threads(),
                settings.payloadSize(), settings.window(), settings.maxInFlight(), ClientOptions.mqtt311(false),
                settings.phase());
        Result result = ThroughputScenario.oneToOne(MqttQos.AT_LEAST_ONCE).run(persistent, 2000);
        assertComplete(result, 2000);
    }

    @ParameterizedTest
    @EnumSource(MqttQos.class)
    void crossProtocolRunsDeliverEveryMessageBothWays(MqttQos qos) throws Exception {
        URI amqp = URI.create("amqp://guest:guest@127.0.0.1:" + server.port(Protocol.AMQP));
        for (boolean mqttPublishes : new boolean[] {true, false}) {
            Result result = new CrossProtocolScenario("cross", mqttPublishes, qos, amqp).run(settings, 1000);
            assertComplete(result, 1000);
        }
    }

    @Test
    void aSharedGroupDeliversEachMessageOnceAndReportsEachMembersCount() throws Exception {
        Result result = new SharedGroupScenario(4, 5, MqttQos.AT_LEAST_ONCE).run(settings, 2000);
        assertComplete(result, 2000);
        String[] counts = result.get("member_counts").split(",");
        assertEquals(4, counts.length, result.line());
        long sum = 0;
        for (String count : counts) {
            sum += Long.parseLong(count);
            // Round robin skips a member without credit (mqtt.max_inflight unacknowledged): under saturation those
            // whose acknowledgements come back sooner take more, yet every member takes a real share.
            assertTrue(Long.parseLong(count) >= 200, result.line());
        }
        assertEquals(2000, sum, result.line());
    }

    @Test
    void fanOutDeliversEveryMessageToEverySubscriber() throws Exception {
        Result result = ThroughputScenario.fanOut(5, MqttQos.AT_LEAST_ONCE).run(settings, 500);
        assertComplete(result, 2500);
        assertEquals("500", result.get("published"));
    }

    @Test
    void fanInDeliversEveryPublishersMessagesThroughTheWildcard() throws Exception {
        Result result = ThroughputScenario.fanIn(7, MqttQos.AT_MOST_ONCE).run(settings, 700);
        assertComplete(result, 700);
    }

    @Test
    void latencyRunRecordsEveryMeasuredMessageInOrderOfPercentile() throws Exception {
        Result result = new LatencyScenario(1000, 50, MqttQos.AT_LEAST_ONCE).run(settings, 300);
        assertEquals("true", result.get("complete"), result.line());
        assertEquals("300", result.get("samples"));
        long p50 = Long.parseLong(result.get("p50_us"));
        long p99 = Long.parseLong(result.get("p99_us"));
        long max = Long.parseLong(result.get("max_us"));
        assertTrue(0 < p50 && p50 <= p99 && p99 <= max, result.line());
    }

    @Test
    void idleConnectionsAreAllAcceptedAndCounted() throws Exception {
        Result result = new IdleConnectionsScenario(200, 20, Duration.ZERO).run(settings);
        assertEquals("200", result.get("connected"), result.line());
        assertTrue(result.get("stopped_by") == null, result.line());
        assertTrue(Long.parseLong(result.get("connects_per_s")) > 0, result.line());
    }

    @Test
    void topicTreeDeliversExactlyWhatTheFiltersOwe() throws Exception {
        Result result = new TopicTreeScenario(2000, 20, 50, 4, 2000, settings.phase()).run(settings);
        assertEquals("true", result.get("complete"), result.line());
        assertEquals("2000", result.get("subscriptions"), result.line());
        assertEquals("0", result.get("connections_off"), result.line());
        assertEquals(result.get("expected"), result.get("delivered"), result.line());
        // Every fleet topic reaches its site's 10 dashboards, and most also their device's own subscriber.
        double perPublish = Double.parseDouble(result.get("deliveries_per_publish"));
        assertTrue(10 <= perPublish && perPublish <= 11, result.line());
        assertTrue(Long.parseLong(result.get("subscriptions_per_s")) > 0, result.line());
        assertTrue(result.line().contains(" broker_pss_bytes_per_sub="), result.line());
        assertTrue(Long.parseLong(result.get("p50_us")) <= Long.parseLong(result.get("p99_us")), result.line());
    }

    private static void assertComplete(Result result, long deliveries) {
        assertEquals("true", result.get("complete"), result.line());
        assertEquals(Long.toString(deliveries), result.get("delivered"), result.line());
    }
}
