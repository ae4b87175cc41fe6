package dev.junction.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * SIGHUP as the broker-wide "reload", as Mosquitto and most daemons have it: each running server re-reads its
 * MQTT ACL file and TLS certificates. The JVM's own SIGHUP handler (which would shut the process down) is replaced
 * while a server runs and put back when the last one closes, so that servers started in one JVM (tests) each keep
 * working and none outlives its handler.
 */
final class HangupReload {
    private static final Logger log = LoggerFactory.getLogger(HangupReload.class);
    private static final Signal HUP = new Signal("HUP");
    private static final Set<Runnable> reloads = new CopyOnWriteArraySet<>();
    /** The handler to put back; null while none of ours is installed. Guarded by the class. */
    private static SignalHandler displaced;

    private HangupReload() {
    }

    /** Runs {@code reload} on every SIGHUP until the returned handle is closed. */
    static synchronized AutoCloseable install(Runnable reload) {
        if (reloads.isEmpty()) {
            try {
                displaced = Signal.handle(HUP, signal -> reloadAll());
            } catch (IllegalArgumentException e) {
                // -Xrs, or a platform without SIGHUP: the files are still polled for changes.
                log.info("SIGHUP cannot be handled here ({}); reload by changing the files instead", e.getMessage());
            }
            if (displaced == SignalHandler.SIG_IGN) {
                // Started with SIGHUP ignored (nohup): the JVM never sees the signal.
                log.info("SIGHUP is ignored by this process (started with nohup?); reload by changing the files");
            }
        }
        reloads.add(reload);
        return () -> remove(reload);
    }

    private static synchronized void remove(Runnable reload) {
        if (reloads.remove(reload) && reloads.isEmpty() && displaced != null) {
            Signal.handle(HUP, displaced);
            displaced = null;
        }
    }

    private static void reloadAll() {
        log.info("SIGHUP: reloading the MQTT ACL file and the TLS certificates");
        reloads.forEach(Runnable::run);
    }
}
