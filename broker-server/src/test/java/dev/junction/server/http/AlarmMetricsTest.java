package dev.junction.server.http;

import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code junction_alarm_active} for both resources, whether their checks are on or off; MemoryAlarmProcessTest sees
 * the memory alarm move with each pool.
 */
class AlarmMetricsTest {

    @TempDir
    Path dataDir;
    private final HttpClient http = HttpClient.newHttpClient();
    private JunctionServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(double memoryWatermark) throws Exception {
        server = JunctionServer.start(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.STORAGE_DISK_FREE_LIMIT, 0L)
                .with(ConfigKeys.MEMORY_HIGH_WATERMARK, memoryWatermark));
    }

    private String scrape() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port(Protocol.HTTP) + "/metrics")).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    private static boolean alarm(String metrics, String resource, int active) {
        return metrics.contains("junction_alarm_active{resource=\"" + resource + "\"} " + active + ".0");
    }

    @Test
    void bothAlarmsAreReportedAtZeroWhileTheirChecksAreOff() throws Exception {
        start(0);
        String metrics = scrape();
        assertTrue(alarm(metrics, "disk", 0), metrics);
        assertTrue(alarm(metrics, "memory", 0), metrics);
        assertTrue(metrics.contains("junction_alarm_activations_total{resource=\"memory\"} 0.0"), metrics);
    }
}
