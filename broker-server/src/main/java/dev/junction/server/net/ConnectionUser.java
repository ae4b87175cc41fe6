package dev.junction.server.net;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The user a client connection logged in as, kept on its socket so that the management API can show it without
 * asking the protocol handler. Absent before the login and for anonymous MQTT clients.
 */
public final class ConnectionUser {
    private static final AttributeKey<String> USER = AttributeKey.valueOf(ConnectionUser.class, "user");

    private ConnectionUser() {
    }

    public static void loggedIn(Channel socket, String user) {
        socket.attr(USER).set(user);
    }

    /** Null while nobody is logged in on {@code socket}. */
    public static String of(Channel socket) {
        return socket.attr(USER).get();
    }
}
