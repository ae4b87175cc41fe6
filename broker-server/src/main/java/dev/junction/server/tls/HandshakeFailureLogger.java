package dev.junction.server.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

/**
 * Reports a failed TLS handshake (wrong CA, no client certificate, a plain-text client) as one INFO line instead of
 * a protocol handler's error with stack trace: it is the client's problem, and routine on an internet-facing port.
 * Leaves the pipeline once the handshake succeeded.
 */
final class HandshakeFailureLogger extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeFailureLogger.class);

    /** A plain-text client's bytes come back hex-dumped in the message; the log gets their start only. */
    private static final int MAX_REASON_LENGTH = 160;

    private boolean failed;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                ctx.pipeline().remove(this);
            } else {
                failed = true;
                log.info("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(),
                        abbreviated(String.valueOf(completion.cause().getMessage())));
                ctx.close();
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed handshake also arrives as an exception (a plain-text client's as NotSslRecordException, which is
        // no SSLException), usually after the completion event has reported it.
        if (failed || cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private static String abbreviated(String reason) {
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "...";
    }
}
