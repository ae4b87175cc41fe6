package dev.junction.server;

import dev.junction.server.tls.TestPki;
import dev.junction.server.tls.TestPki.Issued;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SIGHUP sent to the real jar: the broker reloads its ACL file and certificates and keeps running. The jar is started
 * with SIGHUP's default disposition whatever this JVM inherited (see {@link Hangup}), so these run under nohup too.
 */
class HangupReloadIT {
    private static final int REFUSED = 0x80;

    @TempDir
    Path workDir;

    @BeforeEach
    void hangupReachesTheBroker() throws Exception {
        assumeTrue(Hangup.reachesChildren(), "SIGHUP is ignored here and no env --default-signal can restore it");
    }

    @Test
    void sighupAppliesAChangedAclFileAtOnceAndTheBrokerKeepsServing() throws Exception {
        int mqtt = Wire.freePort();
        Path acl = Files.writeString(workDir.resolve("acl"), "user guest\ntopic readwrite before/#\n");
        // Polled only hourly: the change can only come from the signal within this test.
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--set", "bind=127.0.0.1",
                "--set", "mqtt.port=" + mqtt, "--set", "amqp.port=0", "--set", "http.port=0",
                "--set", "mqtt.acl_file=" + acl, "--set", "mqtt.acl_reload_interval=3600")) {
            broker.awaitLine("Listening for MQTT 3.1.1/5.0 on 127.0.0.1:" + mqtt);
            MqttClient client = connect(mqtt);
            try {
                assertEquals(1, granted(client, "before/x"));
                assertEquals(REFUSED, granted(client, "after/x"));

                Files.writeString(acl, "user guest\ntopic readwrite after/#\n");
                hangup(broker.pid());
                broker.awaitLine("MQTT topic ACLs reloaded from " + acl);

                assertEquals(1, granted(client, "after/y"));
                assertEquals(REFUSED, granted(client, "before/y"));
                assertTrue(client.isConnected());
            } finally {
                client.disconnect();
                client.close();
            }
            assertTrue(broker.stdout().stream().anyMatch(l -> l.contains("SIGHUP: reloading")));

            broker.terminate();
            assertEquals(0, broker.awaitExit(Duration.ofSeconds(15)));
            assertEquals(List.of(), broker.stderr());
        }
    }

    /** Polled only hourly: the signal alone brings the new certificate. */
    @Test
    void sighupServesAReplacedCertificateAtOnce() throws Exception {
        Issued ca = TestPki.ca("Hangup Test CA");
        Issued first = TestPki.server(ca);
        Path certificate = workDir.resolve("server.pem");
        Path key = workDir.resolve("server.key");
        first.writeCertificate(certificate);
        first.writeKey(key);
        int amqps = Wire.freePort();
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--set", "bind=127.0.0.1",
                "--set", "mqtt.port=0", "--set", "amqp.port=0", "--set", "http.port=0", "--set", "mqtt.tls.port=0",
                "--set", "http.tls.port=0", "--set", "amqp.tls.port=" + amqps,
                "--set", "tls.cert_file=" + certificate, "--set", "tls.key_file=" + key,
                "--set", "tls.reload_interval=3600")) {
            broker.awaitLine("Listening for AMQP 0-9-1 over TLS on 127.0.0.1:" + amqps);
            assertEquals(first.certificate().getSerialNumber(), servedSerial(amqps, ca));

            Issued renewed = TestPki.server(ca);
            renewed.writeKey(key);
            renewed.writeCertificate(certificate);
            hangup(broker.pid());
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> servedSerial(amqps, ca).equals(renewed.certificate().getSerialNumber()));

            broker.terminate();
            assertEquals(0, broker.awaitExit(Duration.ofSeconds(15)));
        }
    }

    private static BigInteger servedSerial(int port, Issued ca) throws Exception {
        try (SSLSocket socket = (SSLSocket) TestPki.trustingOnly(ca).getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static MqttClient connect(int port) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "reloaded", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        options.setConnectionTimeout(5);
        client.connect(options);
        return client;
    }

    /** The QoS the broker granted in SUBACK, or 0x80 for a refusal (Paho reports that as an exception). */
    private static int granted(MqttClient client, String filter) throws MqttException {
        try {
            return client.subscribeWithResponse(filter, 1).getGrantedQos()[0];
        } catch (MqttException e) {
            if (e.getReasonCode() == REFUSED) {
                return REFUSED;
            }
            throw e;
        }
    }

    private static void hangup(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }
}
