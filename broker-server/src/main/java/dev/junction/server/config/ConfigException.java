package dev.junction.server.config;

/** A configuration that cannot be used; the message is the one line the operator sees. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
