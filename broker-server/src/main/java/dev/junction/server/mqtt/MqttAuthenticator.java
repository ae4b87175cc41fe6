package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.ConnectReturnCode;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a CONNECT's user name and password against the configured users. A client without a user name logs in
 * as the CN of its verified TLS client certificate, if it has one; otherwise it is anonymous: accepted from a
 * loopback address, elsewhere only when the configuration allows anonymous clients. The well-known guest account
 * is accepted from loopback addresses only, as in RabbitMQ and over AMQP here.
 */
final class MqttAuthenticator {
    private static final String GUEST = "guest";

    private final Map<String, String> users;
    private final boolean allowAnonymous;

    MqttAuthenticator(Map<String, String> users, boolean allowAnonymous) {
        this.users = users;
        this.allowAnonymous = allowAnonymous;
    }

    /**
     * @param certificateUser the CN of the client's verified TLS certificate, if any: without a user name in the
     *                        CONNECT, it logs in as that configured user
     */
    ConnectReturnCode check(Connect connect, SocketAddress remote, Optional<String> certificateUser) {
        if (connect.username() == null && certificateUser.isPresent()) {
            return users.containsKey(certificateUser.get())
                    ? guestFromLoopbackOnly(certificateUser.get(), remote) : ConnectReturnCode.NOT_AUTHORIZED;
        }
        if (connect.username() == null) {
            return allowAnonymous || isLoopback(remote)
                    ? ConnectReturnCode.ACCEPTED : ConnectReturnCode.NOT_AUTHORIZED;
        }
        String expected = users.get(connect.username());
        if (expected == null || connect.password() == null) {
            return ConnectReturnCode.BAD_USERNAME_OR_PASSWORD;
        }
        // Constant time, so the reply's timing tells nothing about how much of the password matched.
        boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), connect.password());
        if (!matches) {
            return ConnectReturnCode.BAD_USERNAME_OR_PASSWORD;
        }
        return guestFromLoopbackOnly(connect.username(), remote);
    }

    private static ConnectReturnCode guestFromLoopbackOnly(String user, SocketAddress remote) {
        return GUEST.equals(user) && !isLoopback(remote)
                ? ConnectReturnCode.NOT_AUTHORIZED : ConnectReturnCode.ACCEPTED;
    }

    private static boolean isLoopback(SocketAddress remote) {
        if (remote instanceof InetSocketAddress socket) {
            InetAddress address = socket.getAddress();
            return address != null && address.isLoopbackAddress();
        }
        // Embedded and local channels (tests, in-process bridges) have no network peer.
        return true;
    }
}
