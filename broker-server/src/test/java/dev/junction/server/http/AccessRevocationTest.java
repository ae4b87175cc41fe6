package dev.junction.server.http;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Access that outlives its grant: a deleted user's or a revoked permission's open connections end at once. */
class AccessRevocationTest {
    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture();

    @BeforeEach
    void bob() throws Exception {
        assertEquals(201, broker.send("PUT", "/api/users/bob", "{\"password\":\"bob-pw\",\"tags\":\"\"}")
                .statusCode());
        grant(".*", ".*", ".*");
    }

    private void grant(String configure, String write, String read) throws Exception {
        int status = broker.send("PUT", "/api/permissions/%2F/bob", "{\"configure\":\"" + configure
                + "\",\"write\":\"" + write + "\",\"read\":\"" + read + "\"}").statusCode();
        assertTrue(status == 201 || status == 204, "permission PUT answered " + status);
    }

    /** Bob's AMQP connection, and the connection.close the broker ends it with. */
    private CompletableFuture<AMQP.Connection.Close> amqpAsBob() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(broker.port(Protocol.AMQP));
        factory.setUsername("bob");
        factory.setPassword("bob-pw");
        factory.setConnectionTimeout(5_000);
        Connection connection = factory.newConnection();
        broker.closeAfterwards(connection);
        CompletableFuture<AMQP.Connection.Close> closed = new CompletableFuture<>();
        connection.addShutdownListener(signal -> closed.complete(closeOf(signal)));
        return closed;
    }

    private static AMQP.Connection.Close closeOf(ShutdownSignalException signal) {
        return signal.getReason() instanceof AMQP.Connection.Close close ? close : null;
    }

    /** Bob's MQTT connection, and when it is lost. */
    private CompletableFuture<Throwable> mqttAsBob() throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + broker.port(Protocol.MQTT), "bob-device",
                new MemoryPersistence());
        broker.closeAfterwards(() -> {
            if (client.isConnected()) {
                client.disconnectForcibly(1_000);
            }
            client.close();
        });
        CompletableFuture<Throwable> lost = new CompletableFuture<>();
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                lost.complete(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("bob");
        options.setPassword("bob-pw".toCharArray());
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        client.connect(options);
        return lost;
    }

    @Test
    void deletingAUserClosesItsConnectionsOfEveryProtocol() throws Exception {
        CompletableFuture<AMQP.Connection.Close> amqp = amqpAsBob();
        CompletableFuture<Throwable> mqtt = mqttAsBob();
        CompletableFuture<AMQP.Connection.Close> guest = new CompletableFuture<>();
        broker.amqp().addShutdownListener(signal -> guest.complete(closeOf(signal)));

        assertEquals(204, broker.send("DELETE", "/api/users/bob", null).statusCode());

        AMQP.Connection.Close close = amqp.get(20, TimeUnit.SECONDS);
        assertEquals(320, close.getReplyCode());
        assertEquals("CONNECTION_FORCED - user 'bob' is deleted", close.getReplyText());
        mqtt.get(20, TimeUnit.SECONDS);
        assertTrue(!guest.isDone(), "another user's connection stays open");
    }

    @Test
    void revokingEveryPermissionOnTheVhostClosesTheConnectionsOfBothProtocols() throws Exception {
        CompletableFuture<AMQP.Connection.Close> amqp = amqpAsBob();
        CompletableFuture<Throwable> mqtt = mqttAsBob();

        assertEquals(204, broker.send("DELETE", "/api/permissions/%2F/bob", null).statusCode());

        AMQP.Connection.Close close = amqp.get(20, TimeUnit.SECONDS);
        assertEquals(320, close.getReplyCode());
        assertEquals("CONNECTION_FORCED - access to vhost '/' was revoked for user 'bob'", close.getReplyText());
        // The MQTT vhost is / by default: a user without a permission there may not stay connected, as it may not
        // connect.
        mqtt.get(20, TimeUnit.SECONDS);
    }

    @Test
    void revokingReadOnAConsumedQueueClosesTheConnectionAndOtherChangesDoNot() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(broker.port(Protocol.AMQP));
        factory.setUsername("bob");
        factory.setPassword("bob-pw");
        Connection connection = factory.newConnection();
        broker.closeAfterwards(connection);
        CompletableFuture<AMQP.Connection.Close> closed = new CompletableFuture<>();
        connection.addShutdownListener(signal -> closed.complete(closeOf(signal)));
        Channel channel = connection.createChannel();
        channel.queueDeclare("bob.jobs", true, false, false, null);
        channel.queueDeclare("bob.other", true, false, false, null);
        channel.basicConsume("bob.jobs", true, (tag, delivery) -> { }, tag -> { });

        // Read taken away from a queue nobody here consumes: the connection goes on.
        grant(".*", ".*", "^bob\\\\.jobs$");
        channel.queueDeclarePassive("bob.jobs");
        assertTrue(connection.isOpen());

        grant(".*", ".*", "^bob\\\\.other$");

        AMQP.Connection.Close close = closed.get(20, TimeUnit.SECONDS);
        assertEquals(320, close.getReplyCode());
        assertEquals("CONNECTION_FORCED - read access to queue 'bob.jobs' in vhost '/' was revoked for user 'bob'",
                close.getReplyText());
    }
}
