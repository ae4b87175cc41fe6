package dev.junction.server;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.ConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The production checklist's promise on the built jar with the shipped configuration (bound to every address): the
 * default credentials and anonymous MQTT work from loopback only. A remote client is played by connecting to one of
 * this machine's own non-loopback addresses, so the broker sees that address as the peer.
 */
class ProductionChecklistIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path workDir;

    @Test
    void guestAndAnonymousAreRefusedFromANonLoopbackAddressOverEveryProtocol() throws Exception {
        Optional<InetAddress> remote = nonLoopbackAddress();
        assumeTrue(remote.isPresent(), "this machine has no non-loopback IPv4 address");
        String host = remote.get().getHostAddress();
        int mqtt = Wire.freePort();
        int amqp = Wire.freePort();
        int http = Wire.freePort();
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--config",
                REPO.resolve("config/junction.conf").toString(), "--set", "mqtt.port=" + mqtt,
                "--set", "amqp.port=" + amqp, "--set", "http.port=" + http)) {
            // The wildcard address reads 0.0.0.0 or [::] depending on the transport.
            broker.awaitLine(":" + amqp + " (");

            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, mqttRefusal(host, mqtt, "guest"));
            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, mqttRefusal(host, mqtt, null));
            assertThrows(AuthenticationFailureException.class, () -> amqpGuest(host, amqp).close());
            assertEquals(401, httpGuest(host, http).statusCode());

            // The same credentials from loopback, where the shipped defaults allow them.
            mqttConnect("127.0.0.1", mqtt, "guest").disconnect();
            mqttConnect("127.0.0.1", mqtt, null).disconnect();
            amqpGuest("127.0.0.1", amqp).close();
            HttpResponse<String> local = httpGuest("127.0.0.1", http);
            assertEquals(200, local.statusCode(), local.body());
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(ProductionChecklistIT::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress()
                        && !address.isLinkLocalAddress())
                .findFirst();
    }

    private static boolean isUp(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp();
        } catch (SocketException e) {
            return false;
        }
    }

    /** The CONNACK return code of a refused connection (null user: anonymous). */
    private static int mqttRefusal(String host, int port, String user) {
        return assertThrows(MqttException.class, () -> mqttConnect(host, port, user)).getReasonCode();
    }

    private static MqttClient mqttConnect(String host, int port, String user) throws MqttException {
        MqttClient client = new MqttClient("tcp://" + host + ":" + port, "checklist", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setConnectionTimeout(15);
        if (user != null) {
            options.setUserName(user);
            options.setPassword("guest".toCharArray());
        }
        try {
            client.connect(options);
        } catch (MqttException e) {
            client.close();
            throw e;
        }
        return client;
    }

    private static com.rabbitmq.client.Connection amqpGuest(String host, int port) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setConnectionTimeout(15_000);
        factory.setAutomaticRecoveryEnabled(false);
        return factory.newConnection();
    }

    private static HttpResponse<String> httpGuest(String host, int port) throws Exception {
        String credentials = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + host + ":" + port + "/api/whoami"))
                .header("Authorization", "Basic " + credentials).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
