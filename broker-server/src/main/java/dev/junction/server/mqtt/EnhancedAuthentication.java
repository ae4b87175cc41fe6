package dev.junction.server.mqtt;

import com.ongres.scram.common.exception.ScramException;
import dev.junction.mqtt.codec.Auth;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MalformedPacket;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.server.auth.Login;
import dev.junction.server.auth.ScramSha256;
import dev.junction.server.limits.ConnectionLimits;
import dev.junction.server.limits.Limit;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * MQTT 5 enhanced authentication (sections 3.15 and 4.12) of one connection, with the one method the broker
 * offers, {@value ScramSha256#MECHANISM}: a CONNECT carrying an Authentication Method is handed to
 * {@link #begin}, AUTH packets go back and forth with Reason Code 0x18 (Continue authentication), each carrying the
 * method, and the CONNACK that ends a successful exchange carries it too with the server-final-message. Later, the
 * client may re-authenticate (AUTH 0x19) with the same method and the same user. The proof is checked by the
 * broker's login path ({@link MqttAuthenticator}), so a failure is delayed and counted for the user and the address
 * like a wrong password, and an accepted login still meets the user's connection limit in {@link MqttConnection}.
 * An exchange that does not finish within the connect timeout ends the connection. Event loop only.
 */
final class EnhancedAuthentication {
    private static final Logger log = LoggerFactory.getLogger(EnhancedAuthentication.class);

    private enum Step { AWAITING_CLIENT_FIRST, AWAITING_CLIENT_FINAL, VERIFYING, IDLE }

    private final MqttConnection connection;
    private final MqttAuthenticator authenticator;
    private final ConnectionLimits limits;
    private final Duration deadline;
    private String method;
    /** The CONNECT being authenticated; null once the connection is accepted (or for a re-authentication). */
    private Connect connect;
    private ScramSha256 exchange;
    private Step step = Step.IDLE;
    private ScheduledFuture<?> timeout;
    private String serverFinal;

    EnhancedAuthentication(MqttConnection connection, MqttAuthenticator authenticator, ConnectionLimits limits,
                           Duration deadline) {
        this.connection = connection;
        this.authenticator = authenticator;
        this.limits = limits;
        this.deadline = deadline;
    }

    /** Whether this CONNECT asks for enhanced authentication (or carries its data without asking: an error). */
    static boolean requested(Connect connect) {
        MqttProperties properties = connect.properties();
        return properties.authenticationMethod().isPresent() || properties.authenticationData().isPresent();
    }

    /** A CONNECT with an Authentication Method: starts the exchange, or refuses with CONNACK. */
    void begin(Connect connecting) {
        Optional<String> requested = connecting.properties().authenticationMethod();
        if (requested.isEmpty()) {
            // Section 3.1.2.11.10: Authentication Data without an Authentication Method.
            refuse(ReasonCode.PROTOCOL_ERROR, "authentication data without an authentication method");
            return;
        }
        Optional<ScramSha256> scram = requested.get().equals(ScramSha256.MECHANISM) ? authenticator.startScram()
                : Optional.empty();
        if (scram.isEmpty()) {
            // [MQTT-4.12.0-1]
            refuse(ReasonCode.BAD_AUTHENTICATION_METHOD, "authentication method '" + requested.get()
                    + "' is not offered");
            return;
        }
        method = requested.get();
        connect = connecting;
        exchange = scram.get();
        timeout = connection.eventLoop().schedule(this::timedOut, deadline.toMillis(), TimeUnit.MILLISECONDS);
        Optional<byte[]> clientFirst = connecting.properties().authenticationData();
        if (clientFirst.isPresent()) {
            clientFirst(clientFirst.get());
        } else {
            // As SASL does for a client without an initial response: an empty challenge asks for it.
            step = Step.AWAITING_CLIENT_FIRST;
            send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION, properties(null)));
        }
    }

    /** A packet before CONNACK: only AUTH continues the exchange, and DISCONNECT ends it [MQTT-3.1.2-30]. */
    void beforeConnAck(Object msg) {
        if (msg instanceof Auth auth && continues(auth)) {
            if (step == Step.AWAITING_CLIENT_FIRST) {
                clientFirst(data(auth));
            } else {
                clientFinal(data(auth));
            }
        } else if (msg instanceof Disconnect) {
            finish();
            connection.closeBecause("disconnected during enhanced authentication");
        } else if (msg instanceof MalformedPacket malformed) {
            refuse(malformed.reasonCode(), "malformed packet during enhanced authentication: " + malformed.reason());
        } else {
            ReferenceCountUtil.release(msg);
            refuse(ReasonCode.PROTOCOL_ERROR, "unexpected " + msg + " during enhanced authentication");
        }
    }

    /** AUTH from a connected client: a re-authentication (section 4.12.1) or a protocol error. */
    void afterConnAck(Auth auth) {
        if (!auth.properties().authenticationMethod().equals(Optional.of(method))) {
            // [MQTT-4.12.1-1] the method must be the one the connection was authenticated with.
            connection.disconnect(ReasonCode.PROTOCOL_ERROR, "AUTH with another authentication method");
        } else if (auth.reasonCode() == ReasonCode.RE_AUTHENTICATE && step == Step.IDLE) {
            // The same Logins offered SCRAM when this connection was authenticated.
            exchange = authenticator.startScram().orElseThrow();
            timeout = connection.eventLoop().schedule(this::timedOut, deadline.toMillis(), TimeUnit.MILLISECONDS);
            clientFirst(data(auth));
        } else if (continues(auth)) {
            clientFinal(data(auth));
        } else {
            connection.disconnect(ReasonCode.PROTOCOL_ERROR, "AUTH " + auth.reasonCode() + " out of turn");
        }
    }

    /** The properties of the CONNACK accepting the connection [MQTT-4.12.0-5]. */
    MqttProperties connAckProperties() {
        return properties(serverFinal);
    }

    /** The connection closed: nothing is pending any more. */
    void finish() {
        step = Step.IDLE;
        exchange = null;
        stopClock();
    }

    /**
     * The client has done its part; the rest is the login's, whose refusal may be held back longer than the
     * deadline (the failed-login delay): the deadline bounds only the client.
     */
    private void verifying() {
        step = Step.VERIFYING;
        stopClock();
    }

    private void stopClock() {
        if (timeout != null) {
            timeout.cancel(false);
            timeout = null;
        }
    }

    /** An AUTH 0x18 with this method, while the exchange waits for the client. */
    private boolean continues(Auth auth) {
        return auth.reasonCode() == ReasonCode.CONTINUE_AUTHENTICATION
                && auth.properties().authenticationMethod().equals(Optional.ofNullable(method))
                && (step == Step.AWAITING_CLIENT_FIRST || step == Step.AWAITING_CLIENT_FINAL);
    }

    private void clientFirst(byte[] data) {
        String serverFirst;
        try {
            serverFirst = exchange.serverFirst(new String(data, StandardCharsets.UTF_8));
        } catch (ScramException | IllegalArgumentException e) {
            failed(Login.badCredentials(null, "unusable client-first-message: " + e.getMessage()));
            return;
        }
        String user = exchange.user().orElseThrow();
        String bound = connect != null ? connect.username() : connection.user();
        if (bound != null && !bound.equals(user)) {
            // Never two users for one connection: the CONNECT's, or the one authenticated before.
            failed(Login.notAuthorised(user, "the " + ScramSha256.MECHANISM + " user '" + user
                    + "' is not the connection's user '" + bound + "'"));
            return;
        }
        step = Step.AWAITING_CLIENT_FINAL;
        send(new Auth(ReasonCode.CONTINUE_AUTHENTICATION,
                properties(serverFirst)));
    }

    private void clientFinal(byte[] data) {
        verifying();
        authenticator.scram(exchange, new String(data, StandardCharsets.UTF_8), connection.remote(),
                connection.eventLoop()).thenAccept(this::verified);
    }

    private void verified(Login login) {
        if (step != Step.VERIFYING || !connection.isActive()) {
            return;
        }
        if (!login.accepted()) {
            refused(login);
            return;
        }
        String signature = exchange.serverFinal();
        finish();
        if (connect != null) {
            serverFinal = signature;
            Connect accepted = connect;
            connect = null;
            connection.authenticated(accepted, login);
        } else {
            log.debug("Client '{}' re-authenticated as '{}'", connection.clientId(), login.user());
            send(new Auth(ReasonCode.SUCCESS, properties(signature)));
        }
    }

    /** A refusal before the proof, delayed and counted as the proof's would be. */
    private void failed(Login refusal) {
        verifying();
        authenticator.refuse(refusal, connection.remote(), connection.eventLoop()).thenAccept(this::refused);
    }

    /** CONNACK with the refusal, or (re-authenticating) DISCONNECT. */
    private void refused(Login refusal) {
        if (!connection.isActive()) {
            return;
        }
        finish();
        if (connect != null) {
            connection.authenticated(connect, refusal);
        } else {
            // [MQTT-4.12.1-2]
            connection.disconnect(ReasonCode.NOT_AUTHORIZED, "re-authentication failed: " + refusal.detail());
        }
    }

    private void refuse(ReasonCode code, String reason) {
        finish();
        log.info("Client '{}' at {} refused: {}", connection.clientId(), connection.remote(), reason);
        connection.refuse(code);
    }

    private void timedOut() {
        timeout = null;
        if (step == Step.IDLE || !connection.isActive()) {
            return;
        }
        String reason = "enhanced authentication not finished within " + deadline.toMillis() + " ms";
        finish();
        if (connect != null) {
            limits.hit(Limit.MQTT_CONNECT_TIMEOUT, reason + "; closing");
            connection.closeBecause(reason);
        } else {
            connection.disconnect(ReasonCode.NOT_AUTHORIZED, "re-" + reason);
        }
    }

    private void send(Auth auth) {
        connection.write(auth);
        connection.flush();
    }

    private MqttProperties properties(String data) {
        MqttProperties.Builder builder = MqttProperties.builder().authenticationMethod(method);
        if (data != null) {
            builder.authenticationData(data.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static byte[] data(Auth auth) {
        return auth.properties().authenticationData().orElse(new byte[0]);
    }
}
