package dev.junction.server.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code junction.audit} logger: a line per refused management request and per change, none per read. */
class AuditLogTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    @Test
    void changesAndRefusalsAreLoggedWithTheUserAndTheAddress() throws Exception {
        try (LogCapture audit = new LogCapture(AuditLog.LOGGER)) {
            assertEquals(201, broker.send("PUT", "/api/users/watcher",
                    "{\"password\":\"pw\",\"tags\":\"monitoring\"}").statusCode());
            assertEquals(201, broker.send("PUT", "/api/queues/%2F/audited", "{}").statusCode());
            assertEquals(204, broker.send("DELETE", "/api/queues/%2F/audited/contents", null).statusCode());
            assertEquals(204, broker.send("DELETE", "/api/queues/%2F/audited", null).statusCode());
            assertEquals(200, broker.send("GET", "/api/queues", null).statusCode());
            assertEquals(401, broker.send("GET", "/api/overview", null, "guest", "wrong").statusCode());
            assertEquals(401, broker.send("DELETE", "/api/users/guest", null, "watcher", "pw").statusCode());

            assertTrue(audit.contains("changed user=guest address=127.0.0.1 request=\"PUT /api/users/watcher\" "
                    + "status=201"), audit.lines().toString());
            assertTrue(audit.contains("changed user=guest address=127.0.0.1 request=\"PUT /api/queues/%2F/audited\" "
                    + "status=201"), audit.lines().toString());
            assertTrue(audit.contains("request=\"DELETE /api/queues/%2F/audited/contents\" status=204"),
                    audit.lines().toString());
            assertTrue(audit.contains("request=\"DELETE /api/queues/%2F/audited\" status=204"),
                    audit.lines().toString());
            assertTrue(audit.contains("refused user=guest address=127.0.0.1 request=\"GET /api/overview\" "
                    + "status=401 reason=\"Login failed\""), audit.lines().toString());
            assertTrue(audit.contains("refused user=watcher address=127.0.0.1 request=\"DELETE /api/users/guest\" "
                    + "status=401 reason=\"Not administrator user\""), audit.lines().toString());
            assertFalse(audit.contains("GET /api/queues\""), audit.lines().toString());
            assertFalse(audit.lines().toString().contains("pw"), "no password in the audit log");
        }
    }
}
