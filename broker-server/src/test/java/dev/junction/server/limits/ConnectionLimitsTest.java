package dev.junction.server.limits;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection and publish limits against a whole broker, over real sockets and clients. */
class ConnectionLimitsTest {
    @TempDir
    Path dataDir;
    private JunctionServer server;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<MqttClient> mqttClients = new ArrayList<>();
    /** One client, so that scrapes reuse one management connection. */
    private final HttpClient http = HttpClient.newHttpClient();

    private Config config() throws Exception {
        return Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.USERS, Map.of("guest", "guest", "alice", "secret"))
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5);
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        for (MqttClient client : mqttClients) {
            if (client.isConnected()) {
                client.disconnectForcibly(1000);
            }
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Socket open(Protocol protocol, String fromAddress) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port(protocol)), 5000);
        return socket;
    }

    /**
     * Whether the server closed the socket: end of stream within the wait, after whatever it wrote first (an AMQP
     * connection.close), not a timeout.
     */
    private static boolean closedByServer(Socket socket, int waitMillis) throws IOException {
        socket.setSoTimeout(waitMillis);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // What the server says before it closes.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private long limitHits(String limit) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port(Protocol.HTTP) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher matcher = Pattern.compile("junction_limit_hits_total\\{limit=\"" + Pattern.quote(limit)
                + "\"} ([0-9.]+)").matcher(response.body());
        assertTrue(matcher.find(), "no " + limit + " in /metrics");
        return (long) Double.parseDouble(matcher.group(1));
    }

    @Test
    void connectionsBeyondTheTotalAreClosedOnAcceptOverBothProtocols() throws Exception {
        int max = 40;
        int attempts = 300;
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_MAX_CONNECTIONS, max));
        for (int i = 0; i < attempts; i++) {
            open(i % 2 == 0 ? Protocol.MQTT : Protocol.AMQP, "127.0.0.1");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> limitHits("limits.max_connections") == attempts - max);
        int closed = 0;
        for (Socket socket : sockets) {
            closed += closedByServer(socket, 20) ? 1 : 0;
        }
        assertEquals(attempts - max, closed);
        // Room again once connections close.
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Socket socket = open(Protocol.MQTT, "127.0.0.1");
            assertTrue(!closedByServer(socket, 100));
        });
    }

    @Test
    void connectionsBeyondThePerAddressLimitAreClosedOnAccept() throws Exception {
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_ADDRESS, 3));
        List<Socket> fromOne = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fromOne.add(open(i % 2 == 0 ? Protocol.MQTT : Protocol.AMQP, "127.0.0.1"));
        }
        Socket otherAddress = open(Protocol.MQTT, "127.0.0.2");
        // Accepted sockets become active on several event loops: which of the four is refused is not fixed.
        await().atMost(Duration.ofSeconds(5)).until(() -> limitHits("limits.max_connections_per_address") == 1);
        int closed = 0;
        for (Socket socket : fromOne) {
            closed += closedByServer(socket, 100) ? 1 : 0;
        }
        assertEquals(1, closed);
        assertTrue(!closedByServer(otherAddress, 100), "another address has its own count");
        assertEquals(1, limitHits("limits.max_connections_per_address"));
    }

    @Test
    void managementConnectionsBeyondThePerAddressLimitAreClosedOnAccept() throws Exception {
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_ADDRESS, 2)
                .with(ConfigKeys.LIMITS_MAX_CONNECTIONS, 1));
        List<Socket> fromOne = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            fromOne.add(open(Protocol.HTTP, "127.0.0.3"));
        }
        // limitHits scrapes from 127.0.0.1, which has a count of its own; management has no total limit.
        await().atMost(Duration.ofSeconds(5)).until(() -> limitHits("limits.max_connections_per_address") == 1);
        int closed = 0;
        for (Socket socket : fromOne) {
            closed += closedByServer(socket, 100) ? 1 : 0;
        }
        assertEquals(1, closed);
        assertEquals(0, limitHits("limits.max_connections"));
    }

    private MqttClient mqtt(String clientId, String user, String password) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + server.port(Protocol.MQTT), clientId,
                new MemoryPersistence());
        mqttClients.add(client);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setConnectionTimeout(5);
        options.setAutomaticReconnect(false);
        client.connect(options);
        return client;
    }

    @Test
    void aUsersConnectionsAreLimitedOverBothProtocolsAndReleasedOnClose() throws Exception {
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_USER, 2));
        MqttClient first = mqtt("a1", "alice", "secret");
        mqtt("a2", "alice", "secret");
        MqttException refused = assertThrows(MqttException.class, () -> mqtt("a3", "alice", "secret"));
        assertEquals(MqttException.REASON_CODE_BROKER_UNAVAILABLE, refused.getReasonCode());
        mqtt("g1", "guest", "guest");

        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        factory.setUsername("alice");
        factory.setPassword("secret");
        IOException amqpRefused = assertThrows(IOException.class, factory::newConnection);
        String reason = String.valueOf(amqpRefused.getCause());
        assertTrue(reason.contains("reply-code=530") && reason.contains("NOT_ALLOWED - Connection refused for user"
                + " 'alice'. User connection limit (2) is reached"), reason);

        first.disconnect();
        await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
            factory.newConnection().close();
            return true;
        });
        assertTrue(limitHits("limits.max_connections_per_user") >= 2, "the MQTT and the AMQP refusal, at least");
    }

    @Test
    void anMqtt5ClientOverItsUsersLimitIsToldItsQuotaIsExceeded() throws Exception {
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_MAX_CONNECTIONS_PER_USER, 1));
        mqtt("g1", "guest", "guest");
        Mqtt5BlockingClient v5 = com.hivemq.client.mqtt.MqttClient.builder().useMqttVersion5().identifier("g2")
                .serverHost("127.0.0.1").serverPort(server.port(Protocol.MQTT)).buildBlocking();
        Mqtt5ConnAckException refused = assertThrows(Mqtt5ConnAckException.class, () -> v5.connectWith()
                .simpleAuth().username("guest").password("guest".getBytes(StandardCharsets.UTF_8)).applySimpleAuth()
                .send());
        // 0x97 where 3.1.1 says 3 (server unavailable): the client may try again once a connection closes.
        assertEquals(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED, refused.getMqttMessage().getReasonCode());
    }

    @Test
    void aPublisherOverTheRateIsSlowedByNotReadingAndLosesNothing() throws Exception {
        int rate = 10;
        int messages = 30;
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_PUBLISH_RATE, rate));
        List<String> received = new CopyOnWriteArrayList<>();
        MqttClient subscriber = mqtt("sub", "guest", "guest");
        subscriber.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        subscriber.subscribe("rate/#", 1);
        MqttClient publisher = mqtt("pub", "guest", "guest");
        publisher.setTimeToWait(10_000);
        long started = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            MqttMessage message = new MqttMessage(String.valueOf(i).getBytes(StandardCharsets.UTF_8));
            message.setQos(1);
            publisher.publish("rate/test", message);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == messages);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        // The bucket starts with one second's worth; the rest come at the rate.
        long expectedMillis = (messages - rate) * 1000L / rate;
        assertTrue(elapsedMillis >= expectedMillis * 9 / 10, "took only " + elapsedMillis + " ms");
        assertTrue(elapsedMillis < expectedMillis * 4, "took " + elapsedMillis + " ms");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            expected.add(String.valueOf(i));
        }
        assertEquals(expected, received, "every message arrives, in order");
        assertTrue(limitHits("limits.publish_rate") > 0);
    }

    @Test
    void anOversizedMqttPacketIsCountedAsALimitHit() throws Exception {
        server = JunctionServer.start(config().with(ConfigKeys.MQTT_MAX_PACKET_SIZE, 1024));
        Socket socket = open(Protocol.MQTT, "127.0.0.1");
        // A CONNECT fixed header announcing 16383 bytes: refused as soon as the length is read.
        socket.getOutputStream().write(new byte[] {0x10, (byte) 0xFF, 0x7F});
        assertTrue(closedByServer(socket, 5000));
        await().atMost(Duration.ofSeconds(5)).until(() -> limitHits("mqtt.max_packet_size") == 1);
    }

    @Test
    void anOversizedAmqpFrameIsCountedAsALimitHitAndOtherFrameErrorsAreNot() throws Exception {
        server = JunctionServer.start(config());
        Socket unknownType = open(Protocol.AMQP, "127.0.0.1");
        unknownType.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1, 9, 0, 0, 0, 0, 0, 0});
        assertTrue(closedByServer(unknownType, 10_000));
        Socket oversized = open(Protocol.AMQP, "127.0.0.1");
        // A method frame header announcing 2 GiB: refused as soon as the header is read.
        oversized.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1, 1, 0, 0, 0x7F, -1, -1, -1});
        assertTrue(closedByServer(oversized, 10_000));
        await().atMost(Duration.ofSeconds(10)).until(() -> limitHits("amqp.frame_max") == 1);
    }

    @Test
    void anAmqpPublisherOverTheRateIsSlowedAndLosesNothing() throws Exception {
        int rate = 10;
        int messages = 25;
        server = JunctionServer.start(config().with(ConfigKeys.LIMITS_PUBLISH_RATE, rate));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        try (com.rabbitmq.client.Connection connection = factory.newConnection();
             com.rabbitmq.client.Channel channel = connection.createChannel()) {
            String queue = channel.queueDeclare().getQueue();
            // Larger than one socket read (64 KiB at most): small messages could all arrive in the first read,
            // which is taken whole (the bucket goes into debt) and leaves nothing to slow down.
            byte[] body = new byte[70_000];
            long started = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                channel.basicPublish("", queue, null, body);
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> channel.messageCount(queue) == messages);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            long expectedMillis = (messages - rate) * 1000L / rate;
            assertTrue(elapsedMillis >= expectedMillis * 9 / 10, "took only " + elapsedMillis + " ms");
        }
    }
}
