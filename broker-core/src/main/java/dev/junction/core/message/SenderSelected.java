package dev.junction.core.message;

import dev.junction.core.Arguments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RabbitMQ's sender-selected distribution: the {@code CC} and {@code BCC} headers, arrays of routing keys, route a
 * message to those keys as well as to its own, on every exchange type that routes by key; {@code BCC} is removed
 * before any queue takes the message. A header of another type, and array elements that are not text, are ignored.
 *
 * <p>Protocols hand header strings over in their own types (AMQP's long strings are bytes, usually UTF-8): an element
 * is a key when {@link Arguments#typeName} calls it a long string, and is read through {@code toString()}.
 */
public final class SenderSelected {
    public static final String CC = "CC";
    public static final String BCC = "BCC";

    private static final String[] NONE = new String[0];

    private SenderSelected() {
    }

    /** The routing keys the sender selected besides the message's own, CC's then BCC's; empty when there are none. */
    public static String[] extraKeys(MessageProperties properties) {
        Map<String, Object> headers = properties.headers();
        if (headers == null || headers.isEmpty()) {
            return NONE;
        }
        List<String> cc = keys(headers.get(CC));
        List<String> bcc = keys(headers.get(BCC));
        if (cc.isEmpty() && bcc.isEmpty()) {
            return NONE;
        }
        List<String> all = new ArrayList<>(cc.size() + bcc.size());
        all.addAll(cc);
        all.addAll(bcc);
        return all.toArray(NONE);
    }

    /** The keys of the {@code CC} header (the ones every recipient may see, as dead-lettering records them). */
    public static List<String> ccKeys(MessageProperties properties) {
        return keys(properties.header(CC));
    }

    /** The properties a queue may deliver: without {@code BCC}. The same instance when there is none. */
    public static MessageProperties withoutBcc(MessageProperties properties) {
        return without(properties, BCC, BCC);
    }

    /** Without {@code CC} and {@code BCC}: for a message sent on under a routing key of the broker's choosing. */
    public static MessageProperties withoutCopies(MessageProperties properties) {
        return without(properties, CC, BCC);
    }

    private static MessageProperties without(MessageProperties properties, String first, String second) {
        Map<String, Object> headers = properties.headers();
        if (headers == null || !headers.containsKey(first) && !headers.containsKey(second)) {
            return properties;
        }
        Map<String, Object> kept = new LinkedHashMap<>(headers);
        kept.remove(first);
        kept.remove(second);
        return properties.withHeaders(kept);
    }

    private static List<String> keys(Object header) {
        if (!(header instanceof List<?> values) || values.isEmpty()) {
            return List.of();
        }
        List<String> keys = new ArrayList<>(values.size());
        for (Object value : values) {
            if (isText(value)) {
                keys.add(value.toString());
            }
        }
        return keys;
    }

    private static boolean isText(Object value) {
        return "longstr".equals(Arguments.typeName(value));
    }
}
