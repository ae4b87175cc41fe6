package dev.junction.server.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A browser holding the console's credentials must not be made to change anything by another site: bodies that
 * are not JSON and requests from another origin are refused, and each refusal is logged.
 */
class CrossSiteRequestTest {
    private static final String NEW_ADMIN = "{\"users\":[{\"name\":\"mallory\",\"password_hash\":\"x\","
            + "\"tags\":\"administrator\"}]}";

    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(broker.baseUrl() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", RawHttp.GUEST);
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTextPlainBodyIsRefusedAndChangesNothing() throws Exception {
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER)) {
            HttpResponse<String> response = send("POST", "/api/definitions", NEW_ADMIN,
                    Map.of("Content-Type", "text/plain", "Origin", "http://evil.example"));
            assertEquals(415, response.statusCode(), response.body());
            assertTrue(audit.contains("request=\"POST /api/definitions\" status=415"), audit.lines().toString());
        }
        HttpResponse<String> form = send("PUT", "/api/users/mallory", "password=x&tags=administrator",
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertEquals(415, form.statusCode(), form.body());
        assertEquals(404, broker.send("GET", "/api/users/mallory", null).statusCode());
    }

    @Test
    void anotherOriginIsRefusedByOriginOrByReferer() throws Exception {
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER)) {
            HttpResponse<String> byOrigin = send("PUT", "/api/queues/%2F/csrf", "{}",
                    Map.of("Content-Type", "application/json", "Origin", "http://evil.example"));
            assertEquals(403, byOrigin.statusCode(), byOrigin.body());
            assertTrue(audit.contains("refused user=- address=127.0.0.1 request=\"PUT /api/queues/%2F/csrf\" "
                    + "status=403"), audit.lines().toString());
        }
        HttpResponse<String> byReferer = send("DELETE", "/api/queues/%2F/csrf", null,
                Map.of("Referer", "http://evil.example/page.html"));
        assertEquals(403, byReferer.statusCode(), byReferer.body());
        HttpResponse<String> nullOrigin = send("PUT", "/api/queues/%2F/csrf", "{}",
                Map.of("Content-Type", "application/json", "Origin", "null"));
        assertEquals(403, nullOrigin.statusCode(), nullOrigin.body());
        assertEquals(404, broker.send("GET", "/api/queues/%2F/csrf", null).statusCode());
    }

    @Test
    void theConsolesOwnOriginAndToolsWithoutOneAreServed() throws Exception {
        HttpResponse<String> sameOrigin = send("PUT", "/api/queues/%2F/own", "{}",
                Map.of("Content-Type", "application/json; charset=utf-8", "Origin", broker.baseUrl()));
        assertEquals(201, sameOrigin.statusCode(), sameOrigin.body());
        HttpResponse<String> sameReferer = send("DELETE", "/api/queues/%2F/own", null,
                Map.of("Referer", broker.baseUrl() + "/"));
        assertEquals(204, sameReferer.statusCode(), sameReferer.body());
        // junction-ctl and curl: JSON bodies, no Origin, no Referer.
        assertEquals(201, broker.send("PUT", "/api/queues/%2F/tool", "{}").statusCode());
        assertEquals(204, broker.send("DELETE", "/api/queues/%2F/tool", null).statusCode());
    }
}
