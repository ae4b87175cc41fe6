package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** UTF-8 encoded strings as section 1.5.3 restricts them: well-formed, no surrogates, no U+0000. */
final class MqttUtf8 {
    static final int MAX_ENCODED_LENGTH = 0xFFFF;

    private MqttUtf8() {
    }

    /**
     * Decodes {@code length} bytes at {@code index} after checking them against RFC 3629 [MQTT-1.5.3-1] and for
     * U+0000 [MQTT-1.5.3-2]. A BOM (U+FEFF) is kept, never stripped [MQTT-1.5.3-3].
     */
    static String decode(ByteBuf buf, int index, int length, String field) throws MalformedPacketException {
        int end = index + length;
        int i = index;
        while (i < end) {
            int lead = buf.getUnsignedByte(i);
            if (lead < 0x80) {
                if (lead == 0) {
                    throw new MalformedPacketException(field + " contains U+0000 [MQTT-1.5.3-2]");
                }
                i++;
                continue;
            }
            int continuationBytes;
            int secondMin = 0x80;
            int secondMax = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                continuationBytes = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                continuationBytes = 2;
                if (lead == 0xE0) {
                    secondMin = 0xA0;
                } else if (lead == 0xED) {
                    secondMax = 0x9F;
                }
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                continuationBytes = 3;
                if (lead == 0xF0) {
                    secondMin = 0x90;
                } else if (lead == 0xF4) {
                    secondMax = 0x8F;
                }
            } else {
                throw notUtf8(field);
            }
            if (i + continuationBytes >= end) {
                throw notUtf8(field);
            }
            int second = buf.getUnsignedByte(i + 1);
            if (lead == 0xED && second >= 0xA0 && second <= 0xBF) {
                throw new MalformedPacketException(field + " encodes a UTF-16 surrogate [MQTT-1.5.3-1]");
            }
            if (second < secondMin || second > secondMax) {
                throw notUtf8(field);
            }
            for (int k = 2; k <= continuationBytes; k++) {
                int next = buf.getUnsignedByte(i + k);
                if (next < 0x80 || next > 0xBF) {
                    throw notUtf8(field);
                }
            }
            i += continuationBytes + 1;
        }
        return buf.toString(index, length, StandardCharsets.UTF_8);
    }

    private static MalformedPacketException notUtf8(String field) {
        return new MalformedPacketException(field + " is not well-formed UTF-8 [MQTT-1.5.3-1]");
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

    /** @return whether {@code s} can be sent as an MQTT string: encodable and at most 65535 bytes */
    static boolean isEncodable(CharSequence s) {
        int length = encodedLength(s);
        return length >= 0 && length <= MAX_ENCODED_LENGTH;
    }
}
