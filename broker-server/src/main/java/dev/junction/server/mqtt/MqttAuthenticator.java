package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.ConnectReturnCode;
import dev.junction.server.auth.Login;
import dev.junction.server.auth.Logins;
import dev.junction.server.auth.ScramSha256;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Checks a CONNECT's user name and password through the broker's {@link Logins}, then that the user has some
 * permission on the MQTT vhost (CONNACK 5 if not). A client without a user name logs in as the CN of its verified
 * TLS client certificate, if it has one; otherwise it is anonymous: accepted from a loopback address, elsewhere
 * only when the configuration allows anonymous clients.
 */
final class MqttAuthenticator {
    private final Logins logins;
    private final String vhost;
    private final boolean allowAnonymous;

    MqttAuthenticator(Logins logins, String vhost, boolean allowAnonymous) {
        this.logins = logins;
        this.vhost = vhost;
        this.allowAnonymous = allowAnonymous;
    }

    /**
     * @param certificateUser the CN of the client's verified TLS certificate, if any: without a user name in the
     *                        CONNECT, it logs in as that user
     * @return the outcome, completed on {@code loop} (a refusal after the failed-login delay)
     */
    CompletableFuture<Login> check(Connect connect, SocketAddress remote, Optional<String> certificateUser,
                                   ScheduledExecutorService loop) {
        InetAddress from = address(remote);
        CompletableFuture<Login> login;
        if (connect.username() == null && certificateUser.isPresent()) {
            login = logins.certificate(certificateUser.get(), from, loop);
        } else if (connect.username() == null) {
            // Embedded and local channels (tests, in-process bridges) have no network peer: they count as local.
            boolean local = from == null || from.isLoopbackAddress();
            return allowAnonymous || local ? CompletableFuture.completedFuture(Login.accepted(null))
                    : logins.refuse(Login.notAuthorised(null, "anonymous clients are not allowed"), from, loop);
        } else if (connect.password() == null) {
            return logins.refuse(Login.badCredentials(connect.username(), "no password"), from, loop);
        } else {
            login = logins.password(connect.username(), new String(connect.password(), StandardCharsets.UTF_8),
                    from, loop);
        }
        return withVhostAccess(login, from, loop);
    }

    Optional<ScramSha256> startScram() {
        return logins.startScram();
    }

    /** The end of a SCRAM exchange: its proof checked as a login, then the user's access to the vhost. */
    CompletableFuture<Login> scram(ScramSha256 exchange, String clientFinalMessage, SocketAddress remote,
                                   ScheduledExecutorService loop) {
        InetAddress from = address(remote);
        return withVhostAccess(logins.scram(exchange, clientFinalMessage, from, loop), from, loop);
    }

    /** A SCRAM exchange that cannot go on (an unreadable message): refused, delayed and counted as any. */
    CompletableFuture<Login> refuse(Login refusal, SocketAddress remote, ScheduledExecutorService loop) {
        return logins.refuse(refusal, address(remote), loop);
    }

    private CompletableFuture<Login> withVhostAccess(CompletableFuture<Login> login, InetAddress from,
                                                     ScheduledExecutorService loop) {
        return login.thenCompose(outcome -> outcome.accepted() && !mayUseVhost(outcome.user())
                ? logins.refuse(Login.notAuthorised(outcome.user(), "user '" + outcome.user()
                + "' has no permission on vhost '" + vhost + "'"), from, loop)
                : CompletableFuture.completedFuture(outcome));
    }

    private static InetAddress address(SocketAddress remote) {
        return remote instanceof InetSocketAddress socket ? socket.getAddress() : null;
    }

    /** Whether a logged-in user may be connected: it needs some permission on the MQTT vhost, now and later. */
    boolean mayUseVhost(String user) {
        return logins.registry().permission(user, vhost).isPresent();
    }

    static ConnectReturnCode returnCode(Login login) {
        return switch (login.outcome()) {
            case ACCEPTED -> ConnectReturnCode.ACCEPTED;
            case BAD_CREDENTIALS -> ConnectReturnCode.BAD_USERNAME_OR_PASSWORD;
            case NOT_AUTHORISED -> ConnectReturnCode.NOT_AUTHORIZED;
        };
    }
}
