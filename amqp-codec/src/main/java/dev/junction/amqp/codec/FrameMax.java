package dev.junction.amqp.codec;

/** The bounds of a negotiated frame-max, shared by the decoder and the encoder. */
final class FrameMax {
    static final long LARGEST = 0xFFFF_FFFFL;

    private FrameMax() {
    }

    /** Returns {@code frameMax} if it is at least frame-min-size and fits the tune field's 32 bits. */
    static long checked(long frameMax) {
        if (frameMax < AmqpConstants.FRAME_MIN_SIZE || frameMax > LARGEST) {
            throw new IllegalArgumentException("frame-max " + frameMax + " is outside "
                    + AmqpConstants.FRAME_MIN_SIZE + ".." + LARGEST);
        }
        return frameMax;
    }
}
