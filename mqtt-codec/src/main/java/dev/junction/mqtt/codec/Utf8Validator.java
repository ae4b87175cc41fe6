package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;

/**
 * Checks UTF-8 encoded strings as section 1.5.3 restricts them: well-formed per RFC 3629 [MQTT-1.5.3-1] (so no
 * overlong forms, no surrogates, nothing above U+10FFFF) and free of U+0000 [MQTT-1.5.3-2]. It walks the bytes
 * in one {@link ByteBuf#forEachByte} pass rather than one bounds-checked read per byte. Not thread-safe: one
 * instance per decoder.
 */
final class Utf8Validator implements ByteProcessor {
    private enum Problem { NONE, NUL, SURROGATE, ILL_FORMED }

    private int pendingContinuations;
    private int nextMin;
    private int nextMax;
    private boolean afterSurrogateRangeLead;
    private Problem problem;

    /** Decodes {@code length} bytes at {@code index}. A BOM (U+FEFF) is kept, never stripped [MQTT-1.5.3-3]. */
    String decode(ByteBuf buf, int index, int length, String field) throws MalformedPacketException {
        pendingContinuations = 0;
        problem = Problem.NONE;
        if (buf.forEachByte(index, length, this) >= 0 || pendingContinuations > 0) {
            throw new MalformedPacketException(field + switch (problem) {
                case NUL -> " contains U+0000 [MQTT-1.5.3-2]";
                case SURROGATE -> " encodes a UTF-16 surrogate [MQTT-1.5.3-1]";
                default -> " is not well-formed UTF-8 [MQTT-1.5.3-1]";
            });
        }
        return buf.toString(index, length, StandardCharsets.UTF_8);
    }

    @Override
    public boolean process(byte value) {
        int b = value & 0xFF;
        if (pendingContinuations > 0) {
            if (b < nextMin || b > nextMax) {
                problem = afterSurrogateRangeLead && b >= 0xA0 && b <= 0xBF ? Problem.SURROGATE : Problem.ILL_FORMED;
                return false;
            }
            pendingContinuations--;
            nextMin = 0x80;
            nextMax = 0xBF;
            afterSurrogateRangeLead = false;
            return true;
        }
        if (b < 0x80) {
            if (b == 0) {
                problem = Problem.NUL;
                return false;
            }
            return true;
        }
        return startSequence(b);
    }

    /** The ranges of RFC 3629 section 4: the lead byte decides how many bytes follow and bounds the second. */
    private boolean startSequence(int lead) {
        nextMin = 0x80;
        nextMax = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            pendingContinuations = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            pendingContinuations = 2;
            if (lead == 0xE0) {
                nextMin = 0xA0;
            } else if (lead == 0xED) {
                nextMax = 0x9F;
                afterSurrogateRangeLead = true;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            pendingContinuations = 3;
            if (lead == 0xF0) {
                nextMin = 0x90;
            } else if (lead == 0xF4) {
                nextMax = 0x8F;
            }
        } else {
            problem = Problem.ILL_FORMED;
            return false;
        }
        return true;
    }
}
