package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.CredentialsProvider;
import com.rabbitmq.client.impl.CredentialsRefreshService;
import dev.junction.server.auth.PermissionLookup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * connection.update-secret as the RabbitMQ Java client sends it: its credentials refresh (the path OAuth 2 token
 * refreshes take) calls the refresh callback this test holds, which sends update-secret and waits for the answer.
 */
class AmqpUpdateSecretTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension(AmqpSettings.defaults(),
            Map.of("guest", "guest", "alice", "alice-pw", "bob", "bob-pw"), PermissionLookup.grantAll());

    /** A password the test changes, offered as expiring so that the client registers for refreshes. */
    private static final class Secret implements CredentialsProvider {
        private final String user;
        private volatile String password;

        Secret(String user, String password) {
            this.user = user;
            this.password = password;
        }

        @Override
        public String getUsername() {
            return user;
        }

        @Override
        public String getPassword() {
            return password;
        }

        @Override
        public Duration getTimeBeforeExpiration() {
            return Duration.ofHours(1);
        }
    }

    /** Holds the client's refresh callback: calling it sends update-secret; true means update-secret-ok. */
    private static final class ManualRefresh implements CredentialsRefreshService {
        private volatile Callable<Boolean> refresh;

        @Override
        public String register(CredentialsProvider provider, Callable<Boolean> refreshAction) {
            refresh = refreshAction;
            return "manual";
        }

        @Override
        public void unregister(CredentialsProvider provider, String registrationId) {
        }

        @Override
        public boolean isApproachingExpiration(Duration timeBeforeExpiration) {
            return false;
        }

        boolean refreshNow() throws Exception {
            assertNotNull(refresh, "the client registered for refreshes");
            return refresh.call();
        }
    }

    private static Connection connect(Secret secret, ManualRefresh refresh) throws Exception {
        ConnectionFactory factory = broker.factory();
        factory.setCredentialsProvider(secret);
        factory.setCredentialsRefreshService(refresh);
        return broker.track(factory.newConnection());
    }

    @Test
    void theSameSecretIsAcceptedAndTheConnectionGoesOn() throws Exception {
        Secret secret = new Secret("alice", "alice-pw");
        ManualRefresh refresh = new ManualRefresh();
        Connection connection = connect(secret, refresh);
        assertTrue(refresh.refreshNow(), "update-secret-ok");
        assertTrue(refresh.refreshNow(), "and again");
        Channel channel = connection.createChannel();
        channel.queueDeclare();
        assertTrue(connection.isOpen());
    }

    /** A wrong or expired secret, or another user's: the client's refresh fails and the connection is closed. */
    @ParameterizedTest
    @ValueSource(strings = {"expired-token", "bob-pw"})
    void aSecretThatDoesNotLogTheUserInClosesTheConnectionWith530(String newSecret) throws Exception {
        Secret secret = new Secret("alice", "alice-pw");
        ManualRefresh refresh = new ManualRefresh();
        Connection connection = connect(secret, refresh);
        secret.password = newSecret;
        assertFalse(refresh.refreshNow());
        assertRefused(connection);
    }

    private static void assertRefused(Connection connection) {
        await().atMost(20, TimeUnit.SECONDS).until(() -> !connection.isOpen());
        AMQP.Connection.Close close = (AMQP.Connection.Close) connection.getCloseReason().getReason();
        assertEquals(530, close.getReplyCode());
        assertEquals("NOT_ALLOWED - New secret was refused by one of the backends", close.getReplyText());
    }
}
