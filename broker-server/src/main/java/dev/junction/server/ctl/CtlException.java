package dev.junction.server.ctl;

/** A failed command: the message names the problem, the exit code its kind (see {@link JunctionCtl}). */
final class CtlException extends RuntimeException {
    private final int exitCode;

    CtlException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
