package dev.junction.server.net;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The protocol version a client connection settled on (MQTT "3.1", "3.1.1" or "5.0"; AMQP "0-9-1"), kept on its
 * socket so that the management API can show it without asking the protocol handler: one MQTT listener serves
 * every version. Absent until the handshake has chosen it.
 */
public final class ProtocolVersion {
    private static final AttributeKey<String> VERSION = AttributeKey.valueOf(ProtocolVersion.class, "version");

    private ProtocolVersion() {
    }

    public static void negotiated(Channel socket, String version) {
        socket.attr(VERSION).set(version);
    }

    /** Null until the handshake on {@code socket} has chosen a version. */
    public static String of(Channel socket) {
        return socket.attr(VERSION).get();
    }
}
