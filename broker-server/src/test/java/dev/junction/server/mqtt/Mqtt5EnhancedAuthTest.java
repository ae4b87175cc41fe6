package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.ongres.scram.client.ScramClient;
import dev.junction.mqtt.codec.Auth;
import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.PingReq;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.core.store.Definition.PermissionDefinition;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.server.CapturedLog;
import dev.junction.server.JunctionServer;
import dev.junction.server.auth.LegacyHashes;
import dev.junction.server.auth.StoredStringAttacks;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5 enhanced authentication with SCRAM-SHA-256 against the user store: HiveMQ's client with ongres' SCRAM client
 * for what a device does, raw packets for what no client library sends.
 */
class Mqtt5EnhancedAuthTest {
    private static final String SCRAM = "SCRAM-SHA-256";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

    private MqttTestBroker broker;

    @BeforeEach
    void start() throws Exception {
        MqttSettings settings = MqttSettings.DEFAULTS.withTimeouts(CONNECT_TIMEOUT,
                MqttSettings.DEFAULTS.sysInterval());
        broker = new MqttTestBroker(settings, Map.of("guest", "guest", "alice", "wonderland", "bob", "builder"));
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    private Mqtt5BlockingClient client(String clientId, ScramClientMechanism mechanism) {
        return MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
                .serverPort(broker.port()).enhancedAuth(mechanism).buildBlocking();
    }

    @Test
    void aScramLoginIsAcceptedAndTheConnAckProvesTheServerKnowsTheKeys() throws Exception {
        ScramClientMechanism alice = new ScramClientMechanism("alice", "wonderland");
        Mqtt5BlockingClient client = client("scram-ok", alice);
        Mqtt5ConnAck ack = client.connect();
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, ack.getReasonCode());
        // [MQTT-4.12.0-5] the method comes back on the CONNACK, with the server-final-message.
        assertEquals(SCRAM, ack.getEnhancedAuth().orElseThrow().getMethod().toString());
        assertTrue(alice.serverVerified, "the server signature checks out");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = client.publishes(MqttGlobalPublishFilter.ALL)) {
            client.subscribeWith().topicFilter("scram/t").qos(MqttQos.AT_LEAST_ONCE).send();
            client.publishWith().topic("scram/t").qos(MqttQos.AT_LEAST_ONCE)
                    .payload("in".getBytes(StandardCharsets.UTF_8)).send();
            Optional<Mqtt5Publish> received = publishes.receive(20, TimeUnit.SECONDS);
            assertTrue(received.isPresent());
        }
        client.disconnect();
    }

    @Test
    void aWrongPasswordIsRefusedWithBadUserNameOrPassword() {
        Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class,
                () -> client("scram-wrong", new ScramClientMechanism("alice", "looking-glass")).connect());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, refused.getMqttMessage().getReasonCode());
    }

    @Test
    void anUnknownUserIsRefusedAsAWrongPasswordIs() {
        Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class,
                () -> client("scram-nobody", new ScramClientMechanism("nobody", "x")).connect());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, refused.getMqttMessage().getReasonCode());
    }

    @Test
    void anUnknownMethodIsRefusedWithBadAuthenticationMethod() {
        // [MQTT-4.12.0-1]
        Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class,
                () -> client("krb", new ScramClientMechanism("GS2-KRB5", "alice", "wonderland")).connect());
        assertEquals(Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD, refused.getMqttMessage().getReasonCode());
    }

    @Test
    void withAuthScramOffScramIsAnUnknownMethod(@TempDir Path dir) throws Exception {
        Config config = Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.USERS, Map.of("alice", "wonderland"))
                .with(ConfigKeys.AUTH_SCRAM, false);
        try (JunctionServer server = JunctionServer.start(config)) {
            Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class, () -> MqttClient.builder()
                    .useMqttVersion5().identifier("scram-off").serverHost("127.0.0.1")
                    .serverPort(server.port(Protocol.MQTT))
                    .enhancedAuth(new ScramClientMechanism("alice", "wonderland")).buildBlocking().connect());
            assertEquals(Mqtt5ConnAckReasonCode.BAD_AUTHENTICATION_METHOD, refused.getMqttMessage().getReasonCode());
        }
    }

    @Test
    void aPasswordInTheOldFormFailsScramUntilItsFirstPasswordLoginThenScramWorks() throws Exception {
        broker.registry.putUser(new UserDefinition("carol", LegacyHashes.pbkdf2("lewis", TestLogins.ITERATIONS),
                Set.of()));
        broker.registry.putPermission(new PermissionDefinition("/", "carol", ".*", ".*", ".*"));
        try (CapturedLog refusals = CapturedLog.of(MqttConnection.class)) {
            Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class,
                    () -> client("old-form-scram", new ScramClientMechanism("carol", "lewis")).connect());
            assertEquals(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD, refused.getMqttMessage().getReasonCode());
            // The operator learns what to do about it.
            refusals.awaitLine("the user must log in once with its password (which stores it anew) or have its"
                    + " password set again");
        }

        Mqtt5BlockingClient withPassword = MqttClient.builder().useMqttVersion5().identifier("old-form-password")
                .serverHost("127.0.0.1").serverPort(broker.port()).simpleAuth().username("carol")
                .password("lewis".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildBlocking();
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, withPassword.connect().getReasonCode());
        withPassword.disconnect();
        String stored = broker.registry.user("carol").orElseThrow().passwordHash();
        assertTrue(stored.startsWith("scram-sha-256$"), stored);

        ScramClientMechanism carol = new ScramClientMechanism("carol", "lewis");
        Mqtt5BlockingClient scram = client("new-form-scram", carol);
        assertEquals(Mqtt5ConnAckReasonCode.SUCCESS, scram.connect().getReasonCode());
        assertTrue(carol.serverVerified, "the server signs with the new ServerKey");
        scram.disconnect();
    }

    @Test
    void nothingTheStoredStringGivesAwayLogsInOverScram() throws Exception {
        String stored = broker.registry.user("alice").orElseThrow().passwordHash();
        for (ScramClient attacker : StoredStringAttacks.clients("alice", stored)) {
            try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
                raw.send(scramConnect("stolen", bytes(attacker.clientFirstMessage())));
                attacker.serverFirstMessage(text(raw.read(Auth.class).properties()));
                raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SCRAM, bytes(attacker.clientFinalMessage())));
                assertEquals(ReasonCode.BAD_USER_NAME_OR_PASSWORD, raw.read(ConnAck.class).reasonCode(),
                        "logged in with what " + stored + " gives away");
            }
        }
    }

    @Test
    void reAuthenticationWithTheSameUserSucceedsAndTheConnectionGoesOn() throws Exception {
        ScramClientMechanism alice = new ScramClientMechanism("alice", "wonderland");
        Mqtt5BlockingClient client = client("reauth-ok", alice);
        client.connect();
        alice.serverVerified = false;
        client.reauth();
        assertTrue(alice.serverVerified, "the AUTH 0x00 carries a valid server-final-message");
        assertTrue(client.getState().isConnected());
        client.publishWith().topic("scram/after").qos(MqttQos.AT_LEAST_ONCE).send();
        client.disconnect();
    }

    @Test
    void reAuthenticationWithAWrongPasswordEndsTheConnectionWithNotAuthorized() throws Exception {
        ScramClientMechanism alice = new ScramClientMechanism("alice", "wonderland");
        assertReAuthenticationRefused(alice, () -> alice.credentials("alice", "looking-glass"));
    }

    @Test
    void reAuthenticationNeverChangesTheUser() throws Exception {
        ScramClientMechanism alice = new ScramClientMechanism("alice", "wonderland");
        // Bob's password is right, but the connection is Alice's.
        assertReAuthenticationRefused(alice, () -> alice.credentials("bob", "builder"));
    }

    private void assertReAuthenticationRefused(ScramClientMechanism mechanism, Runnable change) throws Exception {
        CompletableFuture<Throwable> disconnected = new CompletableFuture<>();
        Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("reauth-refused")
                .serverHost("127.0.0.1").serverPort(broker.port()).enhancedAuth(mechanism)
                .addDisconnectedListener(context -> {
                    if (context.getSource() == MqttDisconnectSource.SERVER) {
                        disconnected.complete(context.getCause());
                    }
                }).buildBlocking();
        client.connect();
        change.run();
        client.toAsync().reauth();
        Throwable cause = disconnected.get(30, TimeUnit.SECONDS);
        // [MQTT-4.12.1-2]
        assertEquals(Mqtt5DisconnectReasonCode.NOT_AUTHORIZED,
                ((Mqtt5DisconnectException) cause).getMqttMessage().getReasonCode());
    }

    // ---- raw packets ----

    private static Connect scramConnect(String clientId, byte[] clientFirst) {
        MqttProperties.Builder properties = MqttProperties.builder().authenticationMethod(SCRAM);
        if (clientFirst != null) {
            properties.authenticationData(clientFirst);
        }
        return new Connect(MqttProtocolVersion.MQTT_5, true, 0, clientId, null, null, null, properties.build());
    }

    private static Auth auth(ReasonCode code, String method, byte[] data) {
        return new Auth(code, MqttProperties.builder().authenticationMethod(method).authenticationData(data).build());
    }

    private static ScramClient scramClient(String user, String password) {
        return ScramClient.builder().advertisedMechanisms(List.of(SCRAM)).username(user)
                .password(password.toCharArray()).build();
    }

    private static byte[] bytes(Object message) {
        return message.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String text(MqttProperties properties) {
        return new String(properties.authenticationData().orElseThrow(), StandardCharsets.UTF_8);
    }

    /** CONNECT and the AUTH exchange by hand; returns the accepting CONNACK. */
    private static ConnAck scramLogin(RawMqttClient raw, String user, String password) throws Exception {
        ScramClient scram = scramClient(user, password);
        raw.send(scramConnect("raw-scram", bytes(scram.clientFirstMessage())));
        Auth serverFirst = raw.read(Auth.class);
        assertEquals(ReasonCode.CONTINUE_AUTHENTICATION, serverFirst.reasonCode());
        assertEquals(Optional.of(SCRAM), serverFirst.properties().authenticationMethod());
        scram.serverFirstMessage(text(serverFirst.properties()));
        raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SCRAM, bytes(scram.clientFinalMessage())));
        ConnAck ack = raw.read(ConnAck.class);
        assertEquals(ReasonCode.SUCCESS, ack.reasonCode());
        scram.serverFinalMessage(text(ack.properties()));
        return ack;
    }

    @Test
    void theAcceptingConnAckCarriesTheMethodAndTheServerFinalMessage() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            ConnAck ack = scramLogin(raw, "alice", "wonderland");
            // [MQTT-4.12.0-5]; scramLogin checked the server signature.
            assertEquals(Optional.of(SCRAM), ack.properties().authenticationMethod());
            assertTrue(raw.answersPing());
        }
    }

    @Test
    void withoutInitialDataTheServerAsksForTheClientFirstMessage() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            raw.send(scramConnect("no-initial", null));
            Auth challenge = raw.read(Auth.class);
            assertEquals(ReasonCode.CONTINUE_AUTHENTICATION, challenge.reasonCode());
            assertEquals(Optional.of(SCRAM), challenge.properties().authenticationMethod());
            assertTrue(challenge.properties().authenticationData().isEmpty());
            ScramClient scram = scramClient("alice", "wonderland");
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SCRAM, bytes(scram.clientFirstMessage())));
            scram.serverFirstMessage(text(raw.read(Auth.class).properties()));
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SCRAM, bytes(scram.clientFinalMessage())));
            assertEquals(ReasonCode.SUCCESS, raw.read(ConnAck.class).reasonCode());
        }
    }

    @Test
    void aClientThatStallsMidExchangeIsClosed() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            raw.send(scramConnect("stall", bytes(scramClient("alice", "wonderland").clientFirstMessage())));
            raw.read(Auth.class);
            // No client-final-message: the connect timeout ends the exchange.
            long start = System.nanoTime();
            raw.assertClosedByServer();
            assertTrue(System.nanoTime() - start >= CONNECT_TIMEOUT.toNanos() / 2, "closed by the deadline");
        }
    }

    @Test
    void authWithoutEnhancedAuthenticationIsAProtocolError() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            raw.send(new Connect(MqttProtocolVersion.MQTT_5, true, 0, "plain", null, "guest",
                    "guest".getBytes(StandardCharsets.UTF_8), MqttProperties.NONE));
            ConnAck ack = raw.read(ConnAck.class);
            assertEquals(ReasonCode.SUCCESS, ack.reasonCode());
            // [MQTT-4.12.0-6] no method on a CONNACK that answers a CONNECT without one.
            assertTrue(ack.properties().authenticationMethod().isEmpty());
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, SCRAM,
                    bytes(scramClient("guest", "guest").clientFirstMessage())));
            // [MQTT-4.12.0-7]
            raw.assertDisconnectedWith(ReasonCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void anotherMethodMidExchangeIsAProtocolError() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            raw.send(scramConnect("switch", bytes(scramClient("alice", "wonderland").clientFirstMessage())));
            raw.read(Auth.class);
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, "SCRAM-SHA-1", new byte[] {1}));
            assertEquals(ReasonCode.PROTOCOL_ERROR, raw.read(ConnAck.class).reasonCode());
            raw.assertClosedByServer();
        }
    }

    @Test
    void anotherPacketBeforeTheConnAckIsAProtocolError() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            raw.send(scramConnect("eager", bytes(scramClient("alice", "wonderland").clientFirstMessage())));
            raw.read(Auth.class);
            // [MQTT-3.1.2-30] only AUTH or DISCONNECT until the CONNACK.
            raw.send(PingReq.INSTANCE);
            assertEquals(ReasonCode.PROTOCOL_ERROR, raw.read(ConnAck.class).reasonCode());
            raw.assertClosedByServer();
        }
    }

    @Test
    void authenticationDataWithoutAMethodIsAProtocolError() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            raw.send(new Connect(MqttProtocolVersion.MQTT_5, true, 0, "data-only", null, null, null,
                    MqttProperties.builder().authenticationData(new byte[] {1, 2}).build()));
            assertEquals(ReasonCode.PROTOCOL_ERROR, raw.read(ConnAck.class).reasonCode());
            raw.assertClosedByServer();
        }
    }

    @Test
    void reAuthenticationWithAnotherMethodIsAProtocolError() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            scramLogin(raw, "alice", "wonderland");
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, "SCRAM-SHA-512", new byte[] {1}));
            // [MQTT-4.12.1-1]
            raw.assertDisconnectedWith(ReasonCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void aContinueWithoutAReAuthenticationIsAProtocolError() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            scramLogin(raw, "alice", "wonderland");
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SCRAM, new byte[] {1}));
            raw.assertDisconnectedWith(ReasonCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void aReAuthenticationThatStallsEndsTheConnection() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            scramLogin(raw, "alice", "wonderland");
            raw.send(auth(ReasonCode.RE_AUTHENTICATE, SCRAM,
                    bytes(scramClient("alice", "wonderland").clientFirstMessage())));
            assertEquals(ReasonCode.CONTINUE_AUTHENTICATION, raw.read(Auth.class).reasonCode());
            raw.assertDisconnectedWith(ReasonCode.NOT_AUTHORIZED);
        }
    }

    @Test
    void aTamperedClientFinalMessageIsRefused() throws Exception {
        try (RawMqttClient raw = new RawMqttClient(broker.port()).mqtt5()) {
            ScramClient scram = scramClient("alice", "wonderland");
            raw.send(scramConnect("tamper", bytes(scram.clientFirstMessage())));
            scram.serverFirstMessage(text(raw.read(Auth.class).properties()));
            String clientFinal = scram.clientFinalMessage().toString();
            // Another nonce with the right proof: not this exchange's.
            String tampered = clientFinal.replaceFirst(",r=", ",r=x");
            raw.send(auth(ReasonCode.CONTINUE_AUTHENTICATION, SCRAM, tampered.getBytes(StandardCharsets.UTF_8)));
            ConnAck ack = raw.read(ConnAck.class);
            assertEquals(ReasonCode.BAD_USER_NAME_OR_PASSWORD, ack.reasonCode());
            assertFalse(ack.properties().authenticationData().isPresent());
            raw.assertClosedByServer();
        }
    }
}
