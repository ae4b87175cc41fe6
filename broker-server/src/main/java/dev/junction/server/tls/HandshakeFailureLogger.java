package dev.junction.server.tls;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reports a failed TLS handshake (wrong CA, no client certificate, a plain-text client) as one INFO line instead of
 * a protocol handler's error with stack trace: it is the client's problem, and routine on an internet-facing port.
 * The line says what happened in the operator's terms where the TLS library's error allows. On the HTTPS port a
 * plain-text client (a browser or curl given {@code http://}) is also answered with a plain-text 400 saying so.
 * Leaves the pipeline once the handshake succeeded.
 */
final class HandshakeFailureLogger extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(HandshakeFailureLogger.class);

    /** A plain-text client's bytes come back hex-dumped in the message; the log gets their start only. */
    private static final int MAX_REASON_LENGTH = 160;
    /**
     * The alerts a client sends when it does not accept the server's certificate, as OpenSSL
     * ({@code SSLV3_ALERT_CERTIFICATE_UNKNOWN}, {@code TLSV1_ALERT_UNKNOWN_CA}) and the JDK
     * ({@code Received fatal alert: certificate_unknown}) name them.
     */
    private static final Pattern CERTIFICATE_ALERT = Pattern.compile(
            "(?i)alert[_: ]+(bad_certificate|unsupported_certificate|certificate_revoked|certificate_expired"
                    + "|certificate_unknown|unknown_ca|bad_certificate_status_response|certificate_required)");
    private static final String PLAIN_HTTP_BODY = "This is the HTTPS port: use https://\n";
    private static final byte[] PLAIN_HTTP_ANSWER = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
            + "Connection: close\r\nContent-Length: " + PLAIN_HTTP_BODY.length() + "\r\n\r\n" + PLAIN_HTTP_BODY)
            .getBytes(StandardCharsets.US_ASCII);

    private final boolean httpsPort;
    private boolean failed;

    /** @param httpsPort whether a plain-text client is answered with HTTP's 400 */
    HandshakeFailureLogger(boolean httpsPort) {
        this.httpsPort = httpsPort;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent completion) {
            if (completion.isSuccess()) {
                ctx.pipeline().remove(this);
            } else {
                failed = true;
                handshakeFailed(ctx, completion.cause());
            }
        }
        super.userEventTriggered(ctx, event);
    }

    private void handshakeFailed(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof NotSslRecordException && httpsPort) {
            log.info("TLS handshake with {} failed: plain HTTP sent to the HTTPS port (an http:// URL?); answered"
                    + " 400", ctx.channel().remoteAddress());
            // Written below the TLS handler, which has nothing to encrypt with.
            ctx.pipeline().context(SslHandler.class).writeAndFlush(Unpooled.wrappedBuffer(PLAIN_HTTP_ANSWER))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        log.info("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), explained(cause));
        ctx.close();
    }

    private static String explained(Throwable cause) {
        String reason = abbreviated(String.valueOf(cause.getMessage()));
        if (cause instanceof NotSslRecordException) {
            return "the client sent plain text, not TLS (" + reason + ")";
        }
        Matcher alert = CERTIFICATE_ALERT.matcher(reason);
        if (alert.find()) {
            return "the client refused this broker's certificate (alert " + alert.group(1).toLowerCase(Locale.ROOT)
                    + "): it must trust the CA that signed tls.cert_file and find in it the host name it connects to";
        }
        if (reason.contains("BAD_PACKET_LENGTH")) {
            // What OpenSSL reports when a client ends the TLS 1.3 handshake with an alert it cannot read, which
            // is most often a client refusing the certificate.
            return "the client ended the handshake (" + reason + "), most often because it refused this broker's"
                    + " certificate: it must trust the CA that signed tls.cert_file";
        }
        return reason;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A failed handshake also arrives as an exception (a plain-text client's as NotSslRecordException, which is
        // no SSLException), usually after the completion event has reported it.
        if (failed) {
            return;
        }
        if (cause instanceof SSLException || cause.getCause() instanceof SSLException) {
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private static String abbreviated(String reason) {
        return reason.length() <= MAX_REASON_LENGTH ? reason : reason.substring(0, MAX_REASON_LENGTH) + "...";
    }
}
