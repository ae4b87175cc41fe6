package dev.junction.server.auth;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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

    /** A failure once the previous refusal was answered. */
    private long afterTheLast(String user, InetAddress from, long previousDelay) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(previousDelay));
        return failures.failedMillis(user, from);
    }

    @Test
    void theDelayDoublesFrom250MillisUpToTheCap() {
        long delay = afterTheLast("u", a, 0);
        assertEquals(0, delay);
        for (long expected : new long[] {250, 500, 1000, 2000, 2000}) {
            delay = afterTheLast("u", a, delay);
            assertEquals(expected, delay);
        }
        for (int i = 0; i < 100; i++) {
            delay = afterTheLast("u", a, delay);
        }
        assertEquals(2000, afterTheLast("u", a, delay));
    }

    @Test
    void failuresAtOnceAreAnsweredOneAfterAnother() {
        long[] due = new long[6];
        for (int i = 0; i < due.length; i++) {
            due[i] = failures.failedMillis("u", a);
        }
        // 0, then 250, 500, 1000, 2000 and 2000 after each previous refusal.
        assertEquals(0, due[0]);
        assertEquals(250, due[1]);
        assertEquals(750, due[2]);
        assertEquals(1750, due[3]);
        assertEquals(3750, due[4]);
        assertEquals(5750, due[5]);
    }

    @Test
    void theUserIsCountedOverAddressesAndTheAddressOverUsers() {
        assertEquals(0, failures.failedMillis("u", a));
        assertEquals(250, failures.failedMillis("u", b), "another address guessing the same user");
        assertEquals(250, failures.failedMillis("v", a), "another user from the same address");
        assertEquals(0, failures.failedMillis("w", null), "a new user from no address");
    }

    @Test
    void aSuccessResetsItsOwnUserOnlyNeverTheAddress() {
        failures.failedMillis("victim", a);
        failures.failedMillis("victim", a);
        // The attacker's own account, from the same address: answered after the address's last refusal.
        assertEquals(250, failures.succeededMillis("mine", a));
        assertEquals(750, failures.failedMillis("victim", a));
        assertEquals(0, failures.succeededMillis("victim", b), "a success from elsewhere is not held back");
        assertEquals(1750, failures.failedMillis("other", a), "the address still counts");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1750));
        assertEquals(0, failures.succeededMillis("other", a), "once the refusals are answered, at once");
    }

    @Test
    void anEntryExpiresAfterQuietTime() {
        failures.failedMillis("u", a);
        assertEquals(250, failures.failedMillis("u", a));
        now.addAndGet(FailedLogins.EXPIRY.toNanos() + 1);
        assertEquals(0, failures.failedMillis("u", a));
    }

    @Test
    void zeroDisablesAndNeitherUserNorAddressIsNeverDelayed() {
        FailedLogins disabled = new FailedLogins(Duration.ZERO, now::get);
        for (int i = 0; i < 5; i++) {
            assertEquals(0, disabled.failedMillis("u", a));
            assertEquals(0, failures.failedMillis(null, null));
        }
    }
}
