package dev.junction.server.http;

import dev.junction.server.config.ConfigKeys;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code http.max_connections}: sockets nobody authenticates on cannot take every management connection. */
class ManagementConnectionLimitTest {
    private static final int MAX_CONNECTIONS = 8;
    private static final String HEALTH = "GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture(config -> config
            .with(ConfigKeys.HTTP_MAX_CONNECTIONS, MAX_CONNECTIONS));

    @Test
    void overTheLimitANewConnectionIsClosedUnreadAndARequestWorksOnceOthersAreGone() throws Exception {
        int port = broker.port(Protocol.HTTP);
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                held.add(new RawHttp(port));
            }
            // Accepting is asynchronous: the held sockets are all counted once a further one is refused.
            await().atMost(20, TimeUnit.SECONDS).until(() -> {
                try (RawHttp probe = new RawHttp(port)) {
                    return probe.send(HEALTH).untilClosed().isEmpty();
                }
            });
            try (RawHttp refused = new RawHttp(port)) {
                assertEquals("", refused.send(HEALTH).untilClosed());
            }
        } finally {
            for (RawHttp socket : held) {
                socket.close();
            }
        }
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().until(() ->
                broker.send("GET", "/api/overview", null).statusCode() == 200);
        String metrics = broker.send("GET", "/metrics", null, null, null).body();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith(
                "junction_limit_hits_total{limit=\"http.max_connections\"} ") && !line.endsWith(" 0.0")), metrics);
    }
}
