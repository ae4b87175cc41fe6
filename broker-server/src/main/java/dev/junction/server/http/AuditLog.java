package dev.junction.server.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * The management API's audit trail, on the logger {@code junction.audit} (config/logback.xml can send it to a file
 * of its own): one line per refused request (401, 403 and the other refusals made before a request is read) and
 * one per change made (every successful request but a GET), saying who, from which address, and what. Bodies are
 * never logged: they hold passwords. Values a client chose are escaped, so they cannot forge a line.
 */
final class AuditLog {
    static final String LOGGER = "junction.audit";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    /** Who a line names before or without a user name to go on. */
    private static final String NOBODY = "-";

    private AuditLog() {
    }

    /** A request refused; {@code user} is the name it claimed (null: none), not necessarily a real one. */
    static void refused(Channel channel, String user, HttpMethod method, String uri, HttpResponseStatus status,
                        String reason) {
        log.warn("refused user={} address={} request=\"{} {}\" status={} reason=\"{}\"", printable(user),
                address(channel), method.name(), printable(uri), status.code(), printable(reason));
    }

    /** A change made by {@code user}. */
    static void changed(Channel channel, String user, HttpMethod method, String uri, HttpResponseStatus status) {
        log.info("changed user={} address={} request=\"{} {}\" status={}", printable(user), address(channel),
                method.name(), printable(uri), status.code());
    }

    /** Whether {@code status} is a refusal the audit log records for every request. */
    static boolean isRefusal(HttpResponseStatus status) {
        return status.equals(HttpResponseStatus.UNAUTHORIZED) || status.equals(HttpResponseStatus.FORBIDDEN);
    }

    private static String address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress socket && socket.getAddress() != null
                ? socket.getAddress().getHostAddress() : String.valueOf(channel.remoteAddress());
    }

    private static String printable(String text) {
        if (text == null) {
            return NOBODY;
        }
        StringBuilder escaped = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                escaped.append(String.format("\\u%04x", c));
            } else {
                escaped.appendCodePoint(c);
            }
        });
        return escaped.toString();
    }
}
