package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;

/** Variable byte integers (section 1.5.5): 7 bits per byte, least significant first, at most four bytes. */
final class VariableByteInteger {
    static final int MAX_BYTES = 4;

    private VariableByteInteger() {
    }

    static int size(int value) {
        if (value < 128) {
            return 1;
        } else if (value < 16_384) {
            return 2;
        } else if (value < 2_097_152) {
            return 3;
        }
        return 4;
    }

    static void write(ByteBuf buf, int value) {
        int remaining = value;
        do {
            int encoded = remaining & 0x7F;
            remaining >>>= 7;
            buf.writeByte(remaining > 0 ? encoded | 0x80 : encoded);
        } while (remaining > 0);
    }
}
