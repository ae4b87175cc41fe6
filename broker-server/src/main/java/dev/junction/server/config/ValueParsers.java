package dev.junction.server.config;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The parsers the key registry is built from. */
final class ValueParsers {
    private ValueParsers() {
    }

    static ValueParser<Integer> integer(int min, int max) {
        ValueParser<Long> parser = longInteger(min, max);
        return text -> Math.toIntExact(parser.parse(text));
    }

    static ValueParser<Long> longInteger(long min, long max) {
        return text -> {
            long value;
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new InvalidValueException("'" + text + "' is not an integer (expected " + min + ".." + max + ")");
            }
            if (value < min || value > max) {
                throw new InvalidValueException(value + " is out of range (expected " + min + ".." + max + ")");
            }
            return value;
        };
    }

    static ValueParser<Double> fraction() {
        return text -> {
            double value;
            try {
                value = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new InvalidValueException("'" + text + "' is not a number (expected 0..1)");
            }
            if (!(value >= 0 && value <= 1)) {
                throw new InvalidValueException(text + " is out of range (expected 0..1)");
            }
            return value;
        };
    }

    /** An IP address literal only: resolving a host name here would make start-up depend on DNS. */
    static ValueParser<InetAddress> ipAddress() {
        return text -> {
            if (!NetUtil.isValidIpV4Address(text) && !NetUtil.isValidIpV6Address(text)) {
                throw new InvalidValueException("'" + text + "' is not an IPv4 or IPv6 address literal");
            }
            return NetUtil.createInetAddressFromIpAddressString(text);
        };
    }

    static ValueParser<Path> path() {
        return text -> {
            try {
                return Path.of(text);
            } catch (InvalidPathException e) {
                throw new InvalidValueException("'" + text + "' is not a valid path: " + e.getReason());
            }
        };
    }

    /** A path, or {@code none} for no file (the config syntax has no empty values). */
    static ValueParser<Optional<Path>> optionalPath() {
        ValueParser<Path> path = path();
        return text -> text.equals("none") ? Optional.empty() : Optional.of(path.parse(text));
    }

    /** One of a few upper-case words, matched without regard to case. */
    static ValueParser<String> oneOf(List<String> allowed) {
        return text -> {
            String upper = text.toUpperCase(Locale.ROOT);
            if (!allowed.contains(upper)) {
                throw new InvalidValueException("'" + text + "' is not one of " + String.join(", ", allowed));
            }
            return upper;
        };
    }

    /** A vhost or exchange name: non-empty, at most 255 characters (AMQP's short string). */
    static ValueParser<String> name() {
        return text -> {
            if (text.isEmpty() || text.length() > 255) {
                throw new InvalidValueException("'" + text + "' is not a name of 1..255 characters");
            }
            return text;
        };
    }

    /** A name as {@link #name()}, or {@code none} for no name at all. */
    static ValueParser<Optional<String>> optionalName() {
        ValueParser<String> name = name();
        return text -> text.equals("none") ? Optional.empty() : Optional.of(name.parse(text));
    }

    static ValueParser<Boolean> bool() {
        return text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidValueException("'" + text + "' is not true or false");
        };
    }

    /**
     * {@code name:password} pairs separated by commas, until the security issue brings a real user store. Names
     * cannot contain {@code :} or {@code ,}, passwords not {@code ,}; whitespace around each pair is ignored.
     */
    static ValueParser<Map<String, String>> users() {
        return text -> {
            Map<String, String> users = new LinkedHashMap<>();
            for (String pair : text.split(",")) {
                String entry = pair.strip();
                int colon = entry.indexOf(':');
                if (colon <= 0) {
                    throw new InvalidValueException("'" + entry + "' is not name:password");
                }
                if (users.put(entry.substring(0, colon), entry.substring(colon + 1)) != null) {
                    throw new InvalidValueException("user '" + entry.substring(0, colon) + "' is listed twice");
                }
            }
            return Map.copyOf(users);
        };
    }
}
