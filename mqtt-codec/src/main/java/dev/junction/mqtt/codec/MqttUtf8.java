package dev.junction.mqtt.codec;

/**
 * Which strings can be sent as MQTT UTF-8 encoded strings (section 1.5.3); {@link Utf8Validator} checks received
 * ones.
 */
public final class MqttUtf8 {
    static final int MAX_ENCODED_LENGTH = 0xFFFF;

    private MqttUtf8() {
    }

    /**
     * @return the number of UTF-8 bytes {@code s} encodes to, or -1 if it cannot be sent: it contains U+0000 or an
     *         unpaired surrogate
     */
    static int encodedLength(CharSequence s) {
        int bytes = 0;
        int length = s.length();
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c == 0) {
                return -1;
            } else if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)) {
                if (i + 1 == length || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return -1;
                }
                bytes += 4;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return -1;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * A packet's string field must be sendable; which topic names and filters MQTT allows is the broker's rule
     * (the core's {@code TopicSyntax}), not the codec's.
     */
    static void requireEncodable(String s, String field) {
        if (s == null || !isEncodable(s)) {
            throw new IllegalArgumentException(field + " cannot be sent as an MQTT string: " + s);
        }
    }

    /** @return whether {@code s} can be sent as an MQTT string: encodable and at most 65535 bytes */
    public static boolean isEncodable(CharSequence s) {
        int length = encodedLength(s);
        return length >= 0 && length <= MAX_ENCODED_LENGTH;
    }
}
