package dev.junction.server.auth;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FailedLoginsTest {
    private final AtomicLong now = new AtomicLong();
    private final FailedLogins failures = new FailedLogins(Duration.ofSeconds(2), now::get);
    private final InetAddress a = InetAddress.getLoopbackAddress();
    private final InetAddress b;

    FailedLoginsTest() throws Exception {
        b = InetAddress.getByName("10.0.0.2");
    }

    @Test
    void theDelayDoublesFrom250MillisUpToTheCap() {
        assertEquals(0, failures.failedMillis(a));
        assertEquals(250, failures.failedMillis(a));
        assertEquals(500, failures.failedMillis(a));
        assertEquals(1000, failures.failedMillis(a));
        assertEquals(2000, failures.failedMillis(a));
        assertEquals(2000, failures.failedMillis(a));
        for (int i = 0; i < 100; i++) {
            failures.failedMillis(a);
        }
        assertEquals(2000, failures.failedMillis(a));
        // Each address on its own.
        assertEquals(0, failures.failedMillis(b));
    }

    @Test
    void aSuccessStartsOver() {
        failures.failedMillis(a);
        failures.failedMillis(a);
        failures.succeeded(a);
        assertEquals(0, failures.failedMillis(a));
        assertEquals(250, failures.failedMillis(a));
    }

    @Test
    void anEntryExpiresAfterQuietTime() {
        failures.failedMillis(a);
        assertEquals(250, failures.failedMillis(a));
        now.addAndGet(FailedLogins.EXPIRY.toNanos() + 1);
        assertEquals(0, failures.failedMillis(a));
    }

    @Test
    void zeroDisablesAndNoAddressIsNeverDelayed() {
        FailedLogins disabled = new FailedLogins(Duration.ZERO, now::get);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, disabled.failedMillis(a));
            assertEquals(0, failures.failedMillis(null));
        }
    }
}
