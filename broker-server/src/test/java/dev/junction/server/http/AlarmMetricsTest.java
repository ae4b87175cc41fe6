package dev.junction.server.http;

import dev.junction.server.JunctionServer;
import dev.junction.server.alarm.MemoryCheck;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code junction_alarm_active} for both resources, whether their checks are on or off, and moving with memory. */
class AlarmMetricsTest {
    private static final long MARGIN = 48L << 20;
    private static final Pattern IN_USE = Pattern.compile("memory high: (\\d+) bytes in use");

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

    /**
     * The watermark is set a margin above the memory in use now; a direct buffer larger than the margin raises the
     * alarm, and freeing it clears it.
     */
    @Test
    void theMemoryAlarmIsRaisedAboveTheWatermarkAndClearedBelowIt() throws Exception {
        Matcher inUse = IN_USE.matcher(new MemoryCheck(1e-12).breach());
        assertTrue(inUse.find());
        double limit = Runtime.getRuntime().maxMemory() + PlatformDependent.maxDirectMemory();
        start((Long.parseLong(inUse.group(1)) + MARGIN) / limit);
        assertTrue(alarm(scrape(), "memory", 0));

        // Freed at release, whether Netty counts it itself or the JDK does.
        ByteBuf ballast = Unpooled.directBuffer((int) (3 * MARGIN));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> alarm(scrape(), "memory", 1));
            assertTrue(scrape().contains("junction_alarm_activations_total{resource=\"memory\"} 1.0"));
        } finally {
            ballast.release();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> alarm(scrape(), "memory", 0));
    }
}
