package dev.junction.server.alarm;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Watches the resources a broker can run out of (free disk, memory) and holds publishers back while any of them
 * is short, as RabbitMQ's alarms do: the broker then slows its inflow instead of falling over, and resumes when
 * every alarm has cleared. Checks run on one timer thread; the protocols decide how to hold their publishers.
 */
public final class ResourceAlarms implements AutoCloseable {
    /** What an alarm holds back; each protocol does it its own way. */
    public interface Publishers {
        void block(String reason);

        void unblock();
    }

    /** One watched resource. */
    public interface Check {
        /** A resource with no limit configured: listed, never raised. */
        Check OFF = () -> null;

        /** Why publishers must wait now, or null while the resource is fine. */
        String breach();

        /**
         * Whether the last {@link #breach()} found the resource close to its limit: it is checked again within
         * {@link #CLOSE_PERIOD} instead of the full period, since a fast publisher fills memory in well under a second.
         */
        default boolean isClose() {
            return false;
        }
    }

    /** How soon a resource close to its limit is checked again. */
    static final Duration CLOSE_PERIOD = Duration.ofMillis(10);

    private static final Logger log = LoggerFactory.getLogger(ResourceAlarms.class);

    /** One watched resource's alarm now, and how often it was raised since start; for the metrics endpoint. */
    public record State(String resource, boolean active, long activations) {
    }

    private final List<String> resources;
    private final List<Check> checks;
    private final Publishers publishers;
    private final String[] raised;
    private final long[] activations;
    private final ScheduledExecutorService timer;
    private final Duration period;
    private int raisedCount;

    private ResourceAlarms(Map<String, Check> checks, Publishers publishers, Duration period) {
        this.period = period;
        this.resources = List.copyOf(checks.keySet());
        this.checks = List.copyOf(checks.values());
        this.publishers = publishers;
        this.raised = new String[checks.size()];
        this.activations = new long[checks.size()];
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "junction-alarms");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Checks every {@code period}, the first time before returning, so a resource already short holds the first
     * publisher back. */
    public static ResourceAlarms start(Map<String, Check> checks, Publishers publishers, Duration period) {
        ResourceAlarms alarms = new ResourceAlarms(checks, publishers, period);
        alarms.checkAll();
        alarms.scheduleNext();
        return alarms;
    }

    /**
     * One check of everything, then the next one scheduled, whatever happened: an error here (an OutOfMemoryError
     * while the heap is full is the likely one) must not end the alarms, when they are needed most.
     */
    private void checkAndReschedule() {
        try {
            checkAll();
        } catch (Throwable e) {
            log.error("The alarm checks failed; they run again", e);
        } finally {
            scheduleNext();
        }
    }

    private void scheduleNext() {
        boolean close = checks.stream().anyMatch(Check::isClose);
        try {
            timer.schedule(this::checkAndReschedule, (close ? CLOSE_PERIOD : period).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // The alarms were closed.
        }
    }

    /** Runs every check once; on the timer thread, or directly (tests) before the timer starts. */
    synchronized void checkAll() {
        for (int i = 0; i < raised.length; i++) {
            check(i);
        }
    }

    /**
     * Runs one check now, on the calling thread: an event loop whose read found the resource may be short, so that
     * publishers are held before that read's bytes are handed on.
     */
    synchronized void checkNow(Check check) {
        check(checks.indexOf(check));
    }

    private void check(int index) {
        String breach;
        try {
            breach = checks.get(index).breach();
        } catch (OutOfMemoryError e) {
            // Nothing can show better that memory is short; publishers wait until a check succeeds again.
            breach = "out of memory while checking " + resources.get(index) + ": " + e.getMessage();
        } catch (RuntimeException e) {
            log.warn("An alarm check failed; the alarm keeps its state", e);
            return;
        }
        update(index, breach);
    }

    private void update(int index, String breach) {
        String before = raised[index];
        raised[index] = breach;
        if (before == null && breach != null) {
            activations[index]++;
            // Publishers first: with memory short, the log line is what may fail.
            if (raisedCount++ == 0) {
                publishers.block(breach);
            }
            log.warn("Alarm raised: {}; publishers are held back until it clears", breach);
        } else if (before != null && breach == null) {
            log.info("Alarm cleared: {}", before);
            if (--raisedCount == 0) {
                log.info("No alarm left; publishers resume");
                publishers.unblock();
            }
        }
    }

    /** Each resource watched, in the order the checks were given. */
    public synchronized List<State> states() {
        List<State> states = new ArrayList<>(resources.size());
        for (int i = 0; i < resources.size(); i++) {
            states.add(new State(resources.get(i), raised[i] != null, activations[i]));
        }
        return states;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
