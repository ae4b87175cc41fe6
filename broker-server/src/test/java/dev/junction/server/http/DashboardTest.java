package dev.junction.server.http;

import com.rabbitmq.client.Channel;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The web dashboard: its files over HTTP, and the page itself rendered by headless Chromium against the broker. */
class DashboardTest {
    private static final long CHROMIUM_TIMEOUT_SECONDS = 60;

    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    @TempDir
    Path chromiumProfile;

    @Test
    void filesAreServedWithoutCredentialsUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = broker.send("GET", "/", null, null, null);
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("default-src 'self'; frame-ancestors 'none'",
                page.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
        assertTrue(page.body().contains("<script src=\"/dashboard.js\" defer></script>"));
        HttpResponse<String> script = broker.send("GET", "/dashboard.js", null, null, null);
        assertEquals(200, script.statusCode());
        assertTrue(script.body().contains("api(\"overview\")"));
        assertEquals(200, broker.send("GET", "/dashboard.css", null, null, null).statusCode());
        assertEquals(405, broker.send("DELETE", "/", null, null, null).statusCode());
    }

    @Test
    void headlessChromiumShowsQueuesConnectionsAndTotals() throws Exception {
        String chromium = chromium();
        assumeTrue(chromium != null, "Chromium is not installed (apt-get install -y chromium)");
        Channel channel = broker.amqp().createChannel();
        channel.queueDeclare("dashboard-queue", true, false, false, null);
        for (int i = 0; i < 4; i++) {
            channel.basicPublish("", "dashboard-queue", null, "m".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() ->
                broker.get("/api/queues/%2F/dashboard-queue").path("messages_ready").asInt() == 4);

        String dom = renderedDom(chromium, broker.baseUrl() + "/");

        assertTrue(dom.contains("<td>/</td><td>dashboard-queue</td><td class=\"number\">4</td>"
                + "<td class=\"number\">0</td><td class=\"number\">0</td><td>yes</td><td>no</td>"), dom);
        assertTrue(dom.contains("<dd id=\"total-queues\">1</dd>"), dom);
        assertTrue(dom.contains("<dd id=\"total-ready\">4</dd>"), dom);
        assertTrue(dom.contains("<dd id=\"total-connections\">1</dd>"), dom);
        assertTrue(dom.contains("<dd id=\"total-channels\">1</dd>"), dom);
        assertTrue(dom.contains("<td>AMQP 0-9-1</td><td>running</td>"), dom);
        assertTrue(dom.contains("<main id=\"content\">"), "the content is shown, not the login form: " + dom);
    }

    private String renderedDom(String chromium, String url) throws Exception {
        Path output = chromiumProfile.resolve("dom.html");
        Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + chromiumProfile.resolve("profile"), "--virtual-time-budget=10000",
                "--dump-dom", url)
                .redirectOutput(output.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            assertTrue(process.waitFor(CHROMIUM_TIMEOUT_SECONDS, TimeUnit.SECONDS),
                    "Chromium did not finish within " + CHROMIUM_TIMEOUT_SECONDS + " s");
        } finally {
            process.destroyForcibly();
        }
        assertEquals(0, process.exitValue());
        return Files.readString(output);
    }

    private static String chromium() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .flatMap(dir -> List.of(Path.of(dir, "chromium"), Path.of(dir, "chromium-browser")).stream())
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst()
                .orElse(null);
    }
}
