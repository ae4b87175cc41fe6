package dev.junction.server.tls;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import com.rabbitmq.client.GetResponse;
import dev.junction.server.CapturedLog;
import dev.junction.server.Hangup;
import dev.junction.server.JunctionServer;
import dev.junction.server.StartupException;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.ctl.JunctionCtl;
import dev.junction.server.net.Protocol;
import dev.junction.server.tls.TestPki.Issued;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;
import picocli.CommandLine;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The TLS listeners with the reference clients: certificates are checked both ways and replaced while running. Runs
 * with {@code tls.provider = openssl}; {@link JdkProviderTlsListenersTest} runs it all again with the JDK's.
 */
class TlsListenersTest {
    private static Issued ca;
    private static Issued otherCa;
    private static Issued serverCertificate;

    @TempDir
    Path dir;

    private JunctionServer broker;

    @BeforeAll
    static void makeCertificates() throws Exception {
        ca = TestPki.ca("Junction Test CA");
        otherCa = TestPki.ca("Some Other CA");
        serverCertificate = TestPki.server(ca);
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    String provider() {
        return "OPENSSL";
    }

    /** Only the TLS listeners, on ephemeral ports, serving {@code served}, trusting client certificates from ca. */
    private Config tlsOnly(Issued served, String verifyPeer) throws Exception {
        served.writeCertificate(dir.resolve("server.pem"));
        served.writeKey(dir.resolve("server.key"));
        ca.writeCertificate(dir.resolve("ca.pem"));
        return plainPortsOff()
                .with(ConfigKeys.MQTT_TLS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_TLS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.MQTT_WSS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_TLS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.TLS_CERT_FILE, Optional.of(dir.resolve("server.pem")))
                .with(ConfigKeys.TLS_KEY_FILE, Optional.of(dir.resolve("server.key")))
                .with(ConfigKeys.TLS_CA_FILE, Optional.of(dir.resolve("ca.pem")))
                .with(ConfigKeys.TLS_VERIFY_PEER, verifyPeer)
                .with(ConfigKeys.TLS_PROVIDER, provider())
                .with(ConfigKeys.USERS, Map.of("guest", "guest", "alice", "alice-secret"));
    }

    private Config plainPortsOff() throws Exception {
        return Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dir.resolve("data"))
                .with(ConfigKeys.MQTT_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5);
    }

    @Test
    void pahoExchangesAMessageOverTls() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        mqttRoundTrip("ssl://127.0.0.1:" + broker.port(Protocol.MQTT_TLS), TestPki.trustingOnly(ca));
    }

    @Test
    void pahoExchangesAMessageOverSecureWebSocket() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        mqttRoundTrip("wss://127.0.0.1:" + broker.port(Protocol.MQTT_WSS) + "/mqtt", TestPki.trustingOnly(ca));
    }

    @Test
    void rabbitMqClientExchangesAMessageOverTls() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        ConnectionFactory factory = amqpFactory(TestPki.trustingOnly(ca));
        factory.enableHostnameVerification();
        amqpRoundTrip(factory);
    }

    @Test
    void managementAnswersOverHttps() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        HttpClient client = HttpClient.newBuilder().sslContext(TestPki.trustingOnly(ca)).build();
        HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(
                "https://127.0.0.1:" + broker.port(Protocol.HTTPS) + "/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode());
        assertEquals("{\"status\":\"ready\"}", ready.body());
    }

    @Test
    void overHttpsTheConsolesOwnOriginIsAnHttpsOne() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        HttpClient client = HttpClient.newBuilder().sslContext(TestPki.trustingOnly(ca)).build();
        String base = "https://127.0.0.1:" + broker.port(Protocol.HTTPS);
        String guest = "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
        for (String[] originAndStatus : new String[][]{{"http://127.0.0.1:" + broker.port(Protocol.HTTPS), "403"},
                {base, "201"}}) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base
                            + "/api/queues/%2F/origin")).PUT(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Authorization", guest).header("Content-Type", "application/json")
                    .header("Origin", originAndStatus[0]).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(Integer.parseInt(originAndStatus[1]), response.statusCode(), response.body());
        }
    }

    @Test
    void junctionCtlTrustsTheCaGivenWithCacertAndOnlyThat() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        int https = broker.port(Protocol.HTTPS);
        String url = "https://127.0.0.1:" + https;

        CtlRun status = ctl("--url", url, "--cacert", dir.resolve("ca.pem").toString(), "status");
        assertEquals(0, status.exitCode(), status.err());
        assertTrue(status.out().contains("https\t127.0.0.1:" + https), status.out());

        // The JDK's trust store does not know the test CA.
        CtlRun untrusted = ctl("--url", url, "status");
        assertEquals(3, untrusted.exitCode());
        assertTrue(untrusted.err().startsWith("junction-ctl: cannot reach the management API at " + url
                + ": TLS handshake failed: "), untrusted.err());

        otherCa.writeCertificate(dir.resolve("other-ca.pem"));
        assertEquals(3, ctl("--url", url, "--cacert", dir.resolve("other-ca.pem").toString(), "status").exitCode());

        CtlRun missing = ctl("--url", url, "--cacert", dir.resolve("missing.pem").toString(), "status");
        assertEquals(2, missing.exitCode());
        assertEquals("junction-ctl: --cacert " + dir.resolve("missing.pem") + ": no such file", missing.err().strip());
    }

    private record CtlRun(int exitCode, String out, String err) {
    }

    private static CtlRun ctl(String... args) {
        CommandLine commandLine = JunctionCtl.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new CtlRun(exitCode, out.toString(), err.toString());
    }

    @Test
    void clientsRefuseAServerCertificateFromAnotherCa() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        SSLContext trustingOther = TestPki.trustingOnly(otherCa);
        assertHandshakeFailure(assertThrows(MqttException.class, () -> mqttConnect(
                "ssl://127.0.0.1:" + broker.port(Protocol.MQTT_TLS), trustingOther, null).disconnect()));
        assertHandshakeFailure(assertThrows(Exception.class, () -> amqpFactory(trustingOther).newConnection().close()));
    }

    /** Issue #15: a client refusing the certificate was logged as the OpenSSL error BAD_PACKET_LENGTH. */
    @Test
    void aClientRefusingTheCertificateIsLoggedAsThat() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        try (CapturedLog log = CapturedLog.of(HandshakeFailureLogger.class)) {
            assertHandshakeFailure(assertThrows(Exception.class,
                    () -> amqpFactory(TestPki.trustingOnly(otherCa)).newConnection().close()));
            String line = log.awaitLine("TLS handshake with");
            assertTrue(line.contains("the client refused this broker's certificate"), line);
        }
    }

    /** Issue #15: plain HTTP to the HTTPS port gets a clear log line and a plain-text 400 saying what to do. */
    @Test
    void plainHttpToTheHttpsPortIsToldSoAndLogged() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        try (CapturedLog log = CapturedLog.of(HandshakeFailureLogger.class);
             Socket socket = new Socket("127.0.0.1", broker.port(Protocol.HTTPS))) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write("GET /api/overview HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            String line = log.awaitLine("TLS handshake with");
            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
            assertTrue(answer.endsWith("This is the HTTPS port: use https://\n"), answer);
            assertTrue(line.contains("plain HTTP sent to the HTTPS port"), line);
        }
    }

    @Test
    void clientsRefuseAnExpiredServerCertificate() throws Exception {
        broker = JunctionServer.start(tlsOnly(TestPki.expiredServer(ca), "NONE"));
        SSLContext trustingCa = TestPki.trustingOnly(ca);
        assertHandshakeFailure(assertThrows(MqttException.class, () -> mqttConnect(
                "ssl://127.0.0.1:" + broker.port(Protocol.MQTT_TLS), trustingCa, null).disconnect()));
        assertHandshakeFailure(assertThrows(Exception.class, () -> amqpFactory(trustingCa).newConnection().close()));
    }

    @Test
    void verifyPeerRequiredRefusesAClientWithoutCertificateAndAcceptsOneWith() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "REQUIRED"));
        String uri = "ssl://127.0.0.1:" + broker.port(Protocol.MQTT_TLS);
        assertThrows(MqttException.class, () -> mqttConnect(uri, TestPki.trustingOnly(ca), null).disconnect());
        assertThrows(Exception.class, () -> amqpFactory(TestPki.trustingOnly(ca)).newConnection().close());
        SSLContext withCertificate = TestPki.client(ca, "guest").clientContext(ca);
        mqttRoundTrip(uri, withCertificate);
        amqpRoundTrip(amqpFactory(withCertificate));
    }

    @Test
    void verifyPeerRequiredRefusesACertificateFromAnotherCa() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "REQUIRED"));
        SSLContext foreign = TestPki.client(otherCa, "alice").clientContext(ca);
        assertThrows(MqttException.class, () -> mqttConnect(
                "ssl://127.0.0.1:" + broker.port(Protocol.MQTT_TLS), foreign, null).disconnect());
    }

    @Test
    void aRevokedClientCertificateIsRefusedOnEveryListenerAndAGoodOneAccepted() throws Exception {
        Issued revoked = TestPki.client(ca, "guest");
        TestPki.writeCrlPem(dir.resolve("crl.pem"), TestPki.crl(ca, revoked));
        broker = JunctionServer.start(tlsOnly(serverCertificate, "REQUIRED")
                .with(ConfigKeys.TLS_CRL_FILE, Optional.of(dir.resolve("crl.pem"))));
        String uri = "ssl://127.0.0.1:" + broker.port(Protocol.MQTT_TLS);
        SSLContext refused = revoked.clientContext(ca);
        assertThrows(MqttException.class, () -> mqttConnect(uri, refused, null).disconnect());
        assertThrows(Exception.class, () -> amqpFactory(refused).newConnection().close());
        assertThrows(IOException.class, () -> httpsReady(refused));

        SSLContext good = TestPki.client(ca, "guest").clientContext(ca);
        mqttRoundTrip(uri, good);
        amqpRoundTrip(amqpFactory(good));
        assertEquals(200, httpsReady(good));
    }

    /** The CRL is one of the TLS files: a new one (here DER) applies to the next handshake, without a restart. */
    @Test
    void aReplacedCrlRevokesWithoutRestart() throws Exception {
        Issued client = TestPki.client(ca, "guest");
        Files.write(dir.resolve("crl.der"), TestPki.crl(ca));
        broker = JunctionServer.start(tlsOnly(serverCertificate, "REQUIRED")
                .with(ConfigKeys.TLS_CRL_FILE, Optional.of(dir.resolve("crl.der")))
                .with(ConfigKeys.TLS_RELOAD_INTERVAL, 1));
        ConnectionFactory factory = amqpFactory(client.clientContext(ca));
        amqpRoundTrip(factory);

        Files.write(dir.resolve("crl.der"), TestPki.crl(ca, client));

        awaitRefused(() -> factory.newConnection().close());
        assertThrows(MqttException.class, () -> mqttConnect("ssl://127.0.0.1:" + broker.port(Protocol.MQTT_TLS),
                client.clientContext(ca), null).disconnect());
    }

    /** Polled only hourly: SIGHUP alone brings the new CRL. */
    @Test
    void sighupAppliesANewCrlAtOnce() throws Exception {
        Issued client = TestPki.client(ca, "guest");
        TestPki.writeCrlPem(dir.resolve("crl.pem"), TestPki.crl(ca));
        broker = JunctionServer.start(tlsOnly(serverCertificate, "REQUIRED")
                .with(ConfigKeys.TLS_CRL_FILE, Optional.of(dir.resolve("crl.pem")))
                .with(ConfigKeys.TLS_RELOAD_INTERVAL, 3600));
        assertEquals(200, httpsReady(client.clientContext(ca)));

        TestPki.writeCrlPem(dir.resolve("crl.pem"), TestPki.crl(ca, client));
        Signal.raise(new Signal("HUP"));

        awaitRefused(() -> httpsReady(client.clientContext(ca)));
    }

    @Test
    void aCrlFileWithoutClientCertificatesIsAStartUpError() throws Exception {
        Files.write(dir.resolve("crl.der"), TestPki.crl(ca));
        Config config = tlsOnly(serverCertificate, "NONE")
                .with(ConfigKeys.TLS_CRL_FILE, Optional.of(dir.resolve("crl.der")));
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(config));
        assertTrue(e.getMessage().startsWith("tls.crl_file is set, but tls.verify_peer = none"), e.getMessage());
    }

    /** Waits until a new connection made by {@code connect} is refused, as it is once a reloaded CRL applies. */
    private static void awaitRefused(Executable connect) {
        await().atMost(20, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS).until(() -> {
            try {
                connect.execute();
                return false;
            } catch (Throwable refused) {
                return true;
            }
        });
    }

    private int httpsReady(SSLContext tls) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + broker.port(Protocol.HTTPS)
                + "/health/ready")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void mqttClientWithoutUserNameLogsInAsItsCertificateCommonName() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "OPTIONAL"));
        String uri = "ssl://127.0.0.1:" + broker.port(Protocol.MQTT_TLS);
        MqttClient alice = mqttConnect(uri, TestPki.client(ca, "alice").clientContext(ca), null);
        assertTrue(alice.isConnected());
        alice.disconnect();
        alice.close();
        // Anonymous clients are accepted from loopback, so this refusal shows the certificate's CN was used.
        MqttException refused = assertThrows(MqttException.class,
                () -> mqttConnect(uri, TestPki.client(ca, "mallory").clientContext(ca), null));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, refused.getReasonCode());
    }

    @Test
    void amqpSaslExternalLogsInAsTheCertificateCommonName() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "OPTIONAL"));
        ConnectionFactory alice = amqpFactory(TestPki.client(ca, "alice").clientContext(ca));
        alice.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        amqpRoundTrip(alice);

        ConnectionFactory mallory = amqpFactory(TestPki.client(ca, "mallory").clientContext(ca));
        mallory.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        assertThrows(Exception.class, () -> mallory.newConnection().close());
        // Without a client certificate, EXTERNAL is not offered, so a client insisting on it cannot log in.
        ConnectionFactory noCertificate = amqpFactory(TestPki.trustingOnly(ca));
        noCertificate.setSaslConfig(DefaultSaslConfig.EXTERNAL);
        assertThrows(Exception.class, () -> noCertificate.newConnection().close());
    }

    @Test
    void aPlainTextClientOnATlsPortIsDisconnected() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE"));
        try (Socket socket = new Socket("127.0.0.1", broker.port(Protocol.MQTT_TLS))) {
            socket.setSoTimeout(5_000);
            // An MQTT 3.1.1 CONNECT, as a client configured for the wrong port would send it.
            socket.getOutputStream().write(new byte[]{0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, 0});
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // Whatever alert the TLS layer answers with, the connection must end.
            }
        }
    }

    @Test
    void aReplacedCertificateIsServedToTheNextConnection() throws Exception {
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE").with(ConfigKeys.TLS_RELOAD_INTERVAL, 1));
        int port = broker.port(Protocol.AMQP_TLS);
        assertEquals(serverCertificate.certificate().getSerialNumber(), servedSerial(port));

        Issued renewed = TestPki.server(ca);
        renewed.writeKey(dir.resolve("server.key"));
        renewed.writeCertificate(dir.resolve("server.pem"));

        await().atMost(10, TimeUnit.SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                .until(() -> servedSerial(port).equals(renewed.certificate().getSerialNumber()));
        amqpRoundTrip(amqpFactory(TestPki.trustingOnly(ca)));
    }

    /** Polled only hourly: the signal alone brings the new certificate. Raised in this JVM, which the server's
     * handler keeps running; HangupReloadIT sends it to the jar, whatever this JVM inherited. */
    @Test
    void sighupServesAReplacedCertificateAtOnce() throws Exception {
        assumeFalse(Hangup.ignoredByThisProcess(), Hangup.IGNORED_REASON);
        broker = JunctionServer.start(tlsOnly(serverCertificate, "NONE").with(ConfigKeys.TLS_RELOAD_INTERVAL, 3600));
        int port = broker.port(Protocol.AMQP_TLS);
        Issued renewed = TestPki.server(ca);
        renewed.writeKey(dir.resolve("server.key"));
        renewed.writeCertificate(dir.resolve("server.pem"));
        assertEquals(serverCertificate.certificate().getSerialNumber(), servedSerial(port));

        Signal.raise(new Signal("HUP"));
        await().atMost(10, TimeUnit.SECONDS).pollInterval(100, TimeUnit.MILLISECONDS)
                .until(() -> servedSerial(port).equals(renewed.certificate().getSerialNumber()));
    }

    private static BigInteger servedSerial(int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) TestPki.trustingOnly(ca).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    void defaultsWithoutCertificateStartWithTheTlsListenersOff() throws Exception {
        broker = JunctionServer.start(plainPortsOff().with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL));
        assertTrue(broker.port(Protocol.MQTT) > 0);
        assertThrows(IllegalStateException.class, () -> broker.port(Protocol.MQTT_TLS));
        assertThrows(IllegalStateException.class, () -> broker.port(Protocol.AMQP_TLS));
        assertThrows(IllegalStateException.class, () -> broker.port(Protocol.HTTPS));
    }

    @Test
    void aTlsPortChosenWithoutCertificateIsAStartUpError() throws Exception {
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(plainPortsOff()
                .with(ConfigKeys.AMQP_TLS_PORT, ListenPort.fixed(15671))));
        assertEquals("amqp.tls.port = 15671 needs tls.cert_file and tls.key_file (PEM) to be set", e.getMessage());
        assertEquals(StartupException.EXIT_SETUP, e.exitCode());
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAStartUpError() throws Exception {
        Config config = tlsOnly(serverCertificate, "NONE");
        TestPki.server(ca).writeKey(dir.resolve("server.key"));
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(config));
        assertEquals("tls.key_file " + dir.resolve("server.key") + " is not the private key of the certificate in"
                + " tls.cert_file " + dir.resolve("server.pem"), e.getMessage());
    }

    @Test
    void verifyPeerWithoutCaFileIsAStartUpError() throws Exception {
        Config config = tlsOnly(serverCertificate, "REQUIRED").with(ConfigKeys.TLS_CA_FILE, Optional.empty());
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(config));
        assertEquals("tls.verify_peer = required needs tls.ca_file to check client certificates against",
                e.getMessage());
    }

    @Test
    void aMissingCertificateFileIsAStartUpError() throws Exception {
        Config config = tlsOnly(serverCertificate, "NONE")
                .with(ConfigKeys.TLS_CERT_FILE, Optional.of(dir.resolve("missing.pem")));
        StartupException e = assertThrows(StartupException.class, () -> JunctionServer.start(config));
        assertEquals("tls.cert_file " + dir.resolve("missing.pem") + ": no such file", e.getMessage());
    }

    private static void assertHandshakeFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return;
            }
        }
        throw new AssertionError("expected a TLS handshake failure", failure);
    }

    private static MqttClient mqttConnect(String uri, SSLContext tls, String user) throws MqttException {
        MqttClient client = new MqttClient(uri, MqttClient.generateClientId(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(tls.getSocketFactory());
        options.setConnectionTimeout(5);
        if (user != null) {
            options.setUserName(user);
        }
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
        return client;
    }

    private static void mqttRoundTrip(String uri, SSLContext tls) throws Exception {
        MqttClient client = mqttConnect(uri, tls, null);
        try {
            CompletableFuture<String> received = new CompletableFuture<>();
            client.subscribe("tls/test", 1, (topic, message) ->
                    received.complete(new String(message.getPayload(), StandardCharsets.UTF_8)));
            client.publish("tls/test", new MqttMessage("over TLS".getBytes(StandardCharsets.UTF_8)));
            assertEquals("over TLS", received.get(5, TimeUnit.SECONDS));
            client.disconnect();
        } finally {
            client.close();
        }
    }

    private ConnectionFactory amqpFactory(SSLContext tls) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(broker.port(Protocol.AMQP_TLS));
        factory.setConnectionTimeout(5_000);
        factory.useSslProtocol(tls);
        return factory;
    }

    private static void amqpRoundTrip(ConnectionFactory factory) throws Exception {
        try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
            String queue = channel.queueDeclare().getQueue();
            channel.basicPublish("", queue, null, "over TLS".getBytes(StandardCharsets.UTF_8));
            AtomicReference<GetResponse> got = new AtomicReference<>();
            await().atMost(5, TimeUnit.SECONDS).until(() -> {
                got.set(channel.basicGet(queue, true));
                return got.get() != null;
            });
            assertEquals("over TLS", new String(got.get().getBody(), StandardCharsets.UTF_8));
        }
    }
}
