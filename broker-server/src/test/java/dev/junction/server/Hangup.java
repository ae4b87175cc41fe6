package dev.junction.server;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIGHUP as the test JVM inherited it. Started under {@code nohup} (as CI runners and scripts often are), a process
 * ignores SIGHUP and so does every child it starts: the JVM then never installs a handler for it, and a raised or
 * sent SIGHUP does nothing. Tests of the signal either start the broker through {@link #launcher()}, which gives the
 * child SIGHUP's default disposition back, or skip with {@link #IGNORED_REASON}.
 */
public final class Hangup {
    public static final String IGNORED_REASON = "SIGHUP is ignored by this JVM (started under nohup?), so a signal"
            + " raised here never reaches a handler; HangupReloadIT covers the signal in a child process instead";
    /** GNU coreutils' env (8.31+) resets a signal ignored at exec; a shell's {@code trap -} may not. */
    private static final List<String> RESTORING_LAUNCHER = List.of("env", "--default-signal=HUP");

    private Hangup() {
    }

    /** Linux's mask of ignored signals; SIGHUP is signal 1, bit 0. False where there is no /proc. */
    public static boolean ignoredByThisProcess() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        try {
            return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                    .map(line -> new BigInteger(line.substring(7).trim(), 16).testBit(0)).findFirst().orElse(false);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + status, e);
        }
    }

    /** The command prefix that starts a child with SIGHUP's default disposition: none needed when not ignored. */
    static List<String> launcher() {
        return ignoredByThisProcess() ? RESTORING_LAUNCHER : List.of();
    }

    /** Whether a child started through {@link #launcher()} receives SIGHUP: false only without a capable env. */
    static boolean reachesChildren() throws IOException, InterruptedException {
        if (!ignoredByThisProcess()) {
            return true;
        }
        List<String> probe = new ArrayList<>(RESTORING_LAUNCHER);
        probe.add("true");
        Process process = new ProcessBuilder(probe).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    }
}
