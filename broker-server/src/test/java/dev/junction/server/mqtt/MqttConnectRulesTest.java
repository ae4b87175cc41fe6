package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.ConnectReturnCode;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PingReq;
import dev.junction.mqtt.codec.PingResp;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.server.auth.Logins;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.auth.UserRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** CONNECT and CONNACK, client identifiers, authentication, and connections that break the protocol. */
class MqttConnectRulesTest {
    private MqttTestBroker broker;
    private final List<RawMqttClient> clients = new ArrayList<>();
    private final List<Logins> opened = new ArrayList<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private UserRegistry registry;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker(MqttSettings.DEFAULTS.withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10)));
    }

    @AfterEach
    void stop() throws Exception {
        for (RawMqttClient client : clients) {
            client.close();
        }
        broker.close();
        opened.forEach(Logins::close);
        loop.shutdownNow();
    }

    private RawMqttClient client() throws IOException {
        RawMqttClient client = new RawMqttClient(broker.port());
        clients.add(client);
        return client;
    }

    private ConnAck refused(Connect connect) throws IOException {
        RawMqttClient client = client();
        client.send(connect);
        ConnAck ack = client.read(ConnAck.class);
        assertFalse(ack.sessionPresent(), "[MQTT-3.2.2-4] session present is 0 with a refusal");
        client.assertClosedByServer();
        return ack;
    }

    private static Connect connect(String clientId, boolean cleanSession, String user, String password) {
        return new Connect(MqttProtocolVersion.MQTT_3_1_1, cleanSession, 0, clientId, null, user,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anUnsupportedProtocolLevelGetsReturnCode1() throws IOException {
        RawMqttClient client = client();
        // CONNECT, "MQTT", level 6 (5 is MQTT 5, see Mqtt5RefusalTest), clean session, keep alive 0, client id "a".
        client.sendBytes(0x10, 13, 0, 4, 'M', 'Q', 'T', 'T', 6, 0x02, 0, 0, 0, 1, 'a');
        assertEquals(ConnectReturnCode.UNACCEPTABLE_PROTOCOL_VERSION, client.read(ConnAck.class).returnCode());
        client.assertClosedByServer();
    }

    @Test
    void mqtt31ClientsAreAccepted() throws IOException {
        RawMqttClient client = client();
        client.send(new Connect(MqttProtocolVersion.MQTT_3_1, true, 0, "old-device", null, null, null));
        assertEquals(ConnectReturnCode.ACCEPTED, client.read(ConnAck.class).returnCode());
    }

    @Test
    void anEmptyClientIdNeedsACleanSession() throws IOException {
        assertEquals(ConnectReturnCode.IDENTIFIER_REJECTED, refused(connect("", false, "guest", "guest")).returnCode());
        RawMqttClient client = client();
        client.send(connect("", true, "guest", "guest"));
        assertEquals(ConnectReturnCode.ACCEPTED, client.read(ConnAck.class).returnCode());
        client.send(PingReq.INSTANCE);
        client.read(PingResp.class);
    }

    @Test
    void anyClientIdTheSpecAllowsIsAccepted() throws IOException {
        RawMqttClient client = client();
        String longAndOdd = "ünïcødé/+#-" + "x".repeat(200);
        client.connect(longAndOdd, false);
        client.send(new Subscribe(1, List.of(new Subscribe.Subscription("t", MqttQos.AT_LEAST_ONCE))));
        client.read(SubAck.class);
    }

    @Test
    void wrongCredentialsGetReturnCode4() throws IOException {
        assertEquals(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD,
                refused(connect("c", true, "guest", "wrong")).returnCode());
        assertEquals(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD,
                refused(connect("c", true, "nobody", "guest")).returnCode());
        assertEquals(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD,
                refused(connect("c", true, "guest", null)).returnCode());
    }

    @Test
    void anonymousClientsAreAcceptedFromLoopbackOnly() throws Exception {
        MqttAuthenticator strict = authenticator(Map.of("guest", "guest"), false);
        Connect anonymous = connect("a", true, null, null);
        assertEquals(ConnectReturnCode.ACCEPTED,
                check(strict, anonymous, new InetSocketAddress("127.0.0.1", 1), Optional.empty()));
        assertEquals(ConnectReturnCode.NOT_AUTHORIZED,
                check(strict, anonymous, new InetSocketAddress("10.1.2.3", 1), Optional.empty()));
        MqttAuthenticator open = authenticator(Map.of(), true);
        assertEquals(ConnectReturnCode.ACCEPTED,
                check(open, anonymous, new InetSocketAddress("10.1.2.3", 1), Optional.empty()));
    }

    @Test
    void aClientCertificateNamingAKnownUserStandsInForAMissingUserName() throws Exception {
        MqttAuthenticator strict = authenticator(Map.of("alice", "secret"), false);
        InetSocketAddress remote = new InetSocketAddress("10.1.2.3", 1);
        assertEquals(ConnectReturnCode.ACCEPTED,
                check(strict, connect("a", true, null, null), remote, Optional.of("alice")));
        assertEquals(ConnectReturnCode.NOT_AUTHORIZED,
                check(strict, connect("a", true, null, null), remote, Optional.of("mallory")));
        // A user name in the CONNECT wins over the certificate, and needs its password.
        assertEquals(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD,
                check(strict, connect("a", true, "alice", "wrong"), remote, Optional.of("alice")));
    }

    @Test
    void guestIsAcceptedFromLoopbackOnly() throws Exception {
        MqttAuthenticator authenticator = authenticator(Map.of("guest", "guest", "alice", "pw"), true);
        Connect guest = connect("g", true, "guest", "guest");
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 1);
        InetSocketAddress remote = new InetSocketAddress("10.1.2.3", 1);
        assertEquals(ConnectReturnCode.ACCEPTED, check(authenticator, guest, local, Optional.empty()));
        assertEquals(ConnectReturnCode.NOT_AUTHORIZED, check(authenticator, guest, remote, Optional.empty()));
        assertEquals(ConnectReturnCode.ACCEPTED,
                check(authenticator, connect("a", true, "alice", "pw"), remote, Optional.empty()));
        // A client certificate naming guest does not open the door from elsewhere either.
        Connect anonymous = connect("c", true, null, null);
        assertEquals(ConnectReturnCode.ACCEPTED, check(authenticator, anonymous, local, Optional.of("guest")));
        assertEquals(ConnectReturnCode.NOT_AUTHORIZED, check(authenticator, anonymous, remote, Optional.of("guest")));
    }

    @Test
    void aUserWithoutPermissionOnTheMqttVhostGetsReturnCode5() throws Exception {
        MqttAuthenticator authenticator = authenticator(Map.of("alice", "pw"), false);
        InetSocketAddress local = new InetSocketAddress("127.0.0.1", 1);
        assertEquals(ConnectReturnCode.ACCEPTED,
                check(authenticator, connect("a", true, "alice", "pw"), local, Optional.empty()));
        registry.deletePermission("/", "alice");
        assertEquals(ConnectReturnCode.NOT_AUTHORIZED,
                check(authenticator, connect("a", true, "alice", "pw"), local, Optional.empty()));
        assertEquals(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD,
                check(authenticator, connect("a", true, "alice", "wrong"), local, Optional.empty()));
    }

    private MqttAuthenticator authenticator(Map<String, String> users, boolean allowAnonymous) {
        registry = UserRegistry.open(broker.core, users, TestLogins.ITERATIONS);
        Logins logins = new Logins(registry, Duration.ZERO);
        opened.add(logins);
        return new MqttAuthenticator(logins, "/", allowAnonymous);
    }

    private ConnectReturnCode check(MqttAuthenticator authenticator, Connect connect, InetSocketAddress from,
                                    Optional<String> certificateUser) throws Exception {
        return MqttAuthenticator.returnCode(authenticator.check(connect, from, certificateUser, loop)
                .get(5, TimeUnit.SECONDS));
    }

    @Test
    void aSocketThatNeverSendsConnectIsClosed() throws IOException {
        client().assertClosedByServer();
    }

    @Test
    void theFirstPacketMustBeConnect() throws IOException {
        RawMqttClient client = client();
        client.send(PingReq.INSTANCE);
        client.assertClosedByServer();
    }

    @Test
    void aSecondConnectIsAProtocolViolation() throws IOException {
        RawMqttClient client = client();
        client.connect("twice", true);
        client.send(RawMqttClient.connectPacket("twice", true, 0, null));
        client.assertClosedByServer();
    }

    @Test
    void aMalformedPacketClosesTheConnectionAndPublishesTheWill() throws IOException {
        RawMqttClient watcher = client();
        watcher.connect("watcher", true);
        watcher.send(new Subscribe(1, List.of(new Subscribe.Subscription("wills/#", MqttQos.AT_MOST_ONCE))));
        watcher.read(SubAck.class);

        RawMqttClient client = client();
        client.send(RawMqttClient.connectPacket("broken", true, 0, new Connect.Will("wills/broken",
                "malformed".getBytes(StandardCharsets.UTF_8), MqttQos.AT_MOST_ONCE, false)));
        client.read(ConnAck.class);
        // PUBLISH with QoS 3: malformed [MQTT-3.3.1-4].
        client.sendBytes(0x36, 5, 0, 1, 't', 0, 1);
        client.assertClosedByServer();
        assertEquals("malformed", watcher.readPublish().payload());
    }

    @Test
    void packetsSentRightBehindConnectAreHandledInOrder() throws IOException {
        RawMqttClient client = client();
        client.send(RawMqttClient.connectPacket("eager", true, 0, null));
        client.send(new Subscribe(4, List.of(new Subscribe.Subscription("e", MqttQos.AT_MOST_ONCE))));
        client.send(publish("e", 0, 0, false, "self"));
        client.read(ConnAck.class);
        assertEquals(4, client.read(SubAck.class).packetId());
        assertEquals("self", client.readPublish().payload());
    }

    @Test
    void nothingSentAfterARefusedConnectIsProcessed() throws IOException {
        RawMqttClient client = client();
        client.send(connect("intruder", true, "guest", "wrong"), new Publish("planted", MqttQos.AT_MOST_ONCE, false, true, 0,
                RawMqttClient.payload("should not be retained")));
        assertEquals(ConnectReturnCode.BAD_USERNAME_OR_PASSWORD, client.read(ConnAck.class).returnCode());
        client.assertClosedByServer();
        RawMqttClient reader = client();
        reader.connect("reader", true);
        reader.send(new Subscribe(1, List.of(new Subscribe.Subscription("#", MqttQos.AT_MOST_ONCE))));
        reader.read(SubAck.class);
        RawMqttClient writer = client();
        writer.connect("writer", true);
        writer.send(publish("marker", 0, 0, false, "marker"));
        assertEquals("marker", reader.readPublish().topic(), "[MQTT-3.1.4-5] no retained 'planted'");
    }
}
