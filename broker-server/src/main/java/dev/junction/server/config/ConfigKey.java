package dev.junction.server.config;

/**
 * One configuration key: its name, its default (kept as the text an operator would write, so the shipped
 * {@code junction.conf} can be checked against it), how its values are parsed, and a one-line explanation.
 */
public final class ConfigKey<T> {
    private final String name;
    private final String defaultText;
    private final ValueParser<T> parser;
    private final String doc;
    private final T defaultValue;

    ConfigKey(String name, String defaultText, ValueParser<T> parser, String doc) {
        this.name = name;
        this.defaultText = defaultText;
        this.parser = parser;
        this.doc = doc;
        try {
            this.defaultValue = parser.parse(defaultText);
        } catch (InvalidValueException e) {
            throw new IllegalArgumentException("default of " + name + " is invalid: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    public String defaultText() {
        return defaultText;
    }

    public String doc() {
        return doc;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public T parse(String text) throws InvalidValueException {
        return parser.parse(text);
    }
}
