package dev.junction.server;

/** Start-up failed; the message is the one line the operator sees, the exit code tells systemd whether to retry. */
public final class StartupException extends Exception {
    /** The operator must change something first (config, data directory): restarting as is cannot help. */
    public static final int EXIT_SETUP = 2;
    /** Possibly transient (a port still held by a previous process): a restart may succeed. */
    public static final int EXIT_FAILURE = 1;

    private final int exitCode;

    private StartupException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public static StartupException setup(String message) {
        return new StartupException(message, EXIT_SETUP, null);
    }

    public static StartupException failure(String message, Throwable cause) {
        return new StartupException(message, EXIT_FAILURE, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
