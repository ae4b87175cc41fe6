package dev.junction.server.http;

import dev.junction.server.config.ConfigKeys;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client that never authenticates, or sends slowly, or not at all, can hold on the management port: bodies
 * are read only after the credentials, per-route body caps, and idle and slow-request deadlines. Over raw sockets,
 * since no HTTP client stops half-way.
 */
class ManagementPortLimitsTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture(config -> config
            .with(ConfigKeys.HTTP_IDLE_TIMEOUT, 2)
            .with(ConfigKeys.HTTP_HEADER_TIMEOUT, 2)
            .with(ConfigKeys.HTTP_BODY_TIMEOUT, 2)
            .with(ConfigKeys.HTTP_MAX_BODY_SIZE, 1000)
            .with(ConfigKeys.HTTP_MAX_DEFINITIONS_SIZE, 100_000));

    private int port() {
        return broker.port(Protocol.HTTP);
    }

    @Test
    void unauthenticatedPostsStoppingShortOfTheirBodyAre401AndClosedUnread() throws Exception {
        List<RawHttp> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 32; i++) {
                sockets.add(new RawHttp(port()).send("POST /api/definitions HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 90000\r\n\r\n{\"users\":[" + "0,".repeat(500)));
            }
            for (RawHttp socket : sockets) {
                String answer = socket.untilClosed();
                assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
                assertTrue(answer.contains("Connection: close") || answer.contains("connection: close"), answer);
            }
        } finally {
            for (RawHttp socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void anAnnouncedBodyOverTheRouteLimitIs413BeforeItIsRead() throws Exception {
        try (RawHttp socket = new RawHttp(port())) {
            String answer = socket.send("PUT /api/queues/%2F/q HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + RawHttp.GUEST + "\r\nContent-Type: application/json\r\nContent-Length: 1001\r\n\r\n{")
                    .untilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
        try (RawHttp chunked = new RawHttp(port())) {
            String answer = chunked.send("PUT /api/queues/%2F/q HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + RawHttp.GUEST + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "7d0\r\n" + "a".repeat(2000) + "\r\n").untilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
        // A definitions import has its own, larger limit.
        String definitions = "{\"queues\":[{\"name\":\"imported\",\"vhost\":\"/\",\"durable\":true,"
                + "\"arguments\":{\"x-note\":\"" + "a".repeat(5000) + "\"}}]}";
        HttpResponse<String> imported = broker.send("POST", "/api/definitions", definitions);
        assertEquals(204, imported.statusCode(), imported.body());
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (RawHttp idle = new RawHttp(port())) {
            long start = System.nanoTime();
            assertEquals("", idle.untilClosed());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(1_500));
        }
        try (RawHttp afterAnswer = new RawHttp(port())) {
            String answer = afterAnswer.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n").untilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
    }

    @Test
    void requestsTrickledInTooSlowlyAre408AndClosed() throws Exception {
        try (RawHttp headers = new RawHttp(port())) {
            String answer = headers.send("GET /api/overview HTTP/1.1\r\nHost: x\r\n").untilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
        try (RawHttp body = new RawHttp(port())) {
            String answer = body.send("PUT /api/queues/%2F/q HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + RawHttp.GUEST + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                    .untilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        }
    }

    @Test
    void aLoginWhoseRefusalIsSpacedBeyondTheBodyDeadlineIs408() throws Exception {
        InetAddress guesser = InetAddress.getByName("127.0.0.3");
        List<String> statuses = new ArrayList<>();
        // Refusals due 0, 0.25, 0.5, 1, 2 and 4 s after the previous one; the body deadline is 2 s.
        for (int i = 0; i < 6; i++) {
            try (RawHttp socket = new RawHttp(port(), guesser)) {
                String answer = socket.send("GET /api/overview HTTP/1.1\r\nHost: x\r\nAuthorization: "
                        + RawHttp.basic("guest", "wrong") + "\r\n\r\n").untilClosed();
                statuses.add(answer.substring(0, Math.min(12, answer.length())));
            }
        }
        assertEquals(List.of("HTTP/1.1 401", "HTTP/1.1 401", "HTTP/1.1 401", "HTTP/1.1 401"), statuses.subList(0, 4));
        assertEquals("HTTP/1.1 408", statuses.get(5), statuses.toString());
    }
}
