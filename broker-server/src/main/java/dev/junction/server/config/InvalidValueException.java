package dev.junction.server.config;

/** A config value that its key's parser rejects; the message says what was expected, without naming the key. */
public final class InvalidValueException extends Exception {
    public InvalidValueException(String problem) {
        super(problem, null, false, false);
    }
}
