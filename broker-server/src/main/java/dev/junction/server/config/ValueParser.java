package dev.junction.server.config;

/** Turns the text of a config value into its typed form, or says precisely why it cannot. */
@FunctionalInterface
public interface ValueParser<T> {
    T parse(String text) throws InvalidValueException;
}
