package dev.junction.server.amqp;

import dev.junction.amqp.codec.types.LongString;

import java.nio.charset.StandardCharsets;

/** A user name and password taken from a connection.start-ok response, in one of the two mechanisms offered. */
record SaslCredentials(String user, String password) {
    static final String MECHANISMS = "PLAIN AMQPLAIN";

    /** Returns null if the response does not parse for the mechanism. */
    static SaslCredentials parse(String mechanism, LongString response) {
        byte[] bytes = response.toByteArray();
        return switch (mechanism) {
            case "PLAIN" -> plain(bytes);
            case "AMQPLAIN" -> amqplain(bytes);
            default -> null;
        };
    }

    /** RFC 4616: authzid NUL authcid NUL passwd. */
    private static SaslCredentials plain(byte[] bytes) {
        int first = indexOfNul(bytes, 0);
        int second = first < 0 ? -1 : indexOfNul(bytes, first + 1);
        if (second < 0) {
            return null;
        }
        return new SaslCredentials(new String(bytes, first + 1, second - first - 1, StandardCharsets.UTF_8),
                new String(bytes, second + 1, bytes.length - second - 1, StandardCharsets.UTF_8));
    }

    /** AMQPLAIN: the entries of a field table without its length prefix, LOGIN and PASSWORD as long strings. */
    private static SaslCredentials amqplain(byte[] bytes) {
        String user = null;
        String password = null;
        int at = 0;
        try {
            while (at < bytes.length) {
                int nameLength = bytes[at++] & 0xFF;
                String name = new String(bytes, at, nameLength, StandardCharsets.UTF_8);
                at += nameLength;
                if (bytes[at++] != 'S') {
                    return null;
                }
                int valueLength = (bytes[at] & 0xFF) << 24 | (bytes[at + 1] & 0xFF) << 16
                        | (bytes[at + 2] & 0xFF) << 8 | bytes[at + 3] & 0xFF;
                at += 4;
                if (valueLength < 0 || at + valueLength > bytes.length) {
                    return null;
                }
                String value = new String(bytes, at, valueLength, StandardCharsets.UTF_8);
                at += valueLength;
                if (name.equals("LOGIN")) {
                    user = value;
                } else if (name.equals("PASSWORD")) {
                    password = value;
                }
            }
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
        return user == null || password == null ? null : new SaslCredentials(user, password);
    }

    private static int indexOfNul(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
