package dev.junction.amqp.codec;

import dev.junction.amqp.codec.method.Connection;

/**
 * Emitted by {@link AmqpFrameDecoder} when the peer broke the protocol; the decoder discards all further input.
 * The server answers with {@link #toConnectionClose()} and closes the connection.
 *
 * @param classId the offending method's class, 0 when the error is not about a method
 * @param methodId the offending method, 0 when the error is not about a method
 * @param frameTooLarge whether the error is a frame larger than the negotiated frame-max, which a server counts as
 *                      a limit hit rather than a broken client
 */
public record AmqpDecodeError(int replyCode, String replyText, int classId, int methodId, boolean frameTooLarge) {

    private static final int MAX_REPLY_TEXT = 255;

    static AmqpDecodeError of(AmqpCodecException e) {
        return new AmqpDecodeError(e.replyCode(), e.getMessage(), e.classId(), e.methodId(), false);
    }

    static AmqpDecodeError frameTooLarge(String replyText) {
        return new AmqpDecodeError(AmqpConstants.FRAME_ERROR, replyText, 0, 0, true);
    }

    public Connection.Close toConnectionClose() {
        // The text is ASCII built by this codec; cutting at 255 chars keeps it a valid shortstr.
        String text = replyText.length() > MAX_REPLY_TEXT ? replyText.substring(0, MAX_REPLY_TEXT) : replyText;
        return new Connection.Close(replyCode, text, classId, methodId);
    }
}
