package dev.junction.server.amqp;

import dev.junction.server.limits.Limits;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import dev.junction.core.Broker;
import dev.junction.server.GatedStorage;
import dev.junction.server.JunctionServer;
import dev.junction.server.auth.TestLogins;
import dev.junction.server.auth.PermissionLookup;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tx.commit-ok promises that the transaction's persistent messages are stored: it waits for the store. */
class TransactionCommitAfterStoreTest {
    private static final String QUEUE = "durable-tx";
    private final GatedStorage storage = new GatedStorage();
    private JunctionServer server;
    private Connection connection;

    @TempDir
    Path dataDir;

    @BeforeEach
    void start() throws Exception {
        Broker core = new Broker(2, storage);
        AmqpService amqp = new AmqpService(core, AmqpSettings.defaults(), TestLogins.guest(core),
                PermissionLookup.grantAll(), Limits.none());
        Config config = Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5);
        server = JunctionServer.start(config, List.of(amqp.listener()), List.of(core));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        factory.setAutomaticRecoveryEnabled(false);
        connection = factory.newConnection();
    }

    @AfterEach
    void stop() {
        storage.complete();
        connection.abort();
        server.close();
    }

    private CompletableFuture<Void> commitTwoPersistentPublishes() throws IOException {
        Channel channel = connection.createChannel();
        channel.queueDeclare(QUEUE, true, false, false, null);
        channel.txSelect();
        for (String body : List.of("one", "two")) {
            channel.basicPublish("", QUEUE, MessageProperties.PERSISTENT_BASIC, body.getBytes(StandardCharsets.UTF_8));
        }
        storage.hold();
        return CompletableFuture.runAsync(() -> {
            try {
                channel.txCommit();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void commitOkComesOnlyOnceEveryPublishIsStored() throws Exception {
        CompletableFuture<Void> commit = commitTwoPersistentPublishes();
        await().atMost(Duration.ofSeconds(5)).until(() -> storage.waitingWrites() == 2);
        assertFalse(commit.isDone(), "commit-ok before the store completed");
        storage.complete();
        commit.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aStoreFailureFailsTheCommitWithInternalError() throws Exception {
        CompletableFuture<Void> commit = commitTwoPersistentPublishes();
        await().atMost(Duration.ofSeconds(5)).until(() -> storage.waitingWrites() == 2);
        storage.fail(new IOException("No space left on device"));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> commit.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IOException.class, failed.getCause().getCause());
        await().atMost(Duration.ofSeconds(5)).until(() -> !connection.isOpen());
        assertTrue(connection.getCloseReason().getMessage().contains("541"), connection.getCloseReason()::getMessage);
    }
}
