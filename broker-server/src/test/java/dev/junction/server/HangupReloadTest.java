package dev.junction.server;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The SIGHUP handler of running servers: installed while any reload is, the JVM's own handler (which would shut the
 * process down) back after the last is closed, and every installed reload run on a raised SIGHUP.
 * {@code HangupReloadIT} sends the real signal to the real jar, which runs wherever this may be skipped.
 */
class HangupReloadTest {
    private static final Signal HUP = new Signal("HUP");

    /** A process started with SIGHUP ignored (nohup; some launchers start test JVMs so) never sees it. */
    @BeforeEach
    void hangupReachesThisJvm() {
        assumeFalse(Hangup.ignoredByThisProcess(), Hangup.IGNORED_REASON);
    }

    @Test
    void theJvmHandlerIsReplacedWhileAServerRunsAndBackAfterTheLastCloses() throws Exception {
        String jvmHandler = currentHandler();
        AutoCloseable firstServer = HangupReload.install(() -> { });
        AutoCloseable secondServer = HangupReload.install(() -> { });
        assertTrue(currentHandler().contains(HangupReload.class.getName()), currentHandler());
        firstServer.close();
        assertTrue(currentHandler().contains(HangupReload.class.getName()), currentHandler());
        secondServer.close();
        assertEquals(jvmHandler, currentHandler());
    }

    @Test
    void aRaisedSighupRunsEveryInstalledReload() throws Exception {
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        AutoCloseable firstServer = HangupReload.install(first::incrementAndGet);
        AutoCloseable secondServer = HangupReload.install(second::incrementAndGet);
        try {
            Signal.raise(HUP);
            await().atMost(Duration.ofSeconds(5)).until(() -> first.get() == 1 && second.get() == 1);
            firstServer.close();
            Signal.raise(HUP);
            await().atMost(Duration.ofSeconds(5)).until(() -> second.get() == 2);
            assertEquals(1, first.get());
        } finally {
            firstServer.close();
            secondServer.close();
        }
    }

    /**
     * The handler in place, as the text of what sun.misc wraps (it wraps anew on each call). Probed with a Java
     * handler: probing with SIG_IGN would leave the signal ignored for good.
     */
    private static String currentHandler() {
        SignalHandler current = Signal.handle(HUP, signal -> { });
        Signal.handle(HUP, current);
        String text = current.toString();
        return text.substring(text.indexOf('<') + 1);
    }
}
