package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import dev.junction.amqp.codec.method.Connection.Close;
import dev.junction.amqp.codec.method.Connection.CloseOk;
import dev.junction.amqp.codec.method.Connection.UpdateSecret;
import dev.junction.amqp.codec.method.Connection.UpdateSecretOk;
import dev.junction.amqp.codec.types.LongString;
import dev.junction.server.auth.ResourcePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RabbitMQ's permission checks over real sockets: for every method that touches an exchange or a queue, one
 * operation allowed and one refused with RabbitMQ's exact reply; the vhost refusals at connection.open; and
 * connection.update-secret. User alice may, unless a test says otherwise, configure, write and read the names
 * starting with "alice."; guest may do everything and builds what alice is refused.
 */
class AmqpPermissionsTest {
    private static final Map<String, ResourcePermissions> PERMISSIONS = new ConcurrentHashMap<>();

    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension(AmqpSettings.defaults(),
            Map.of("guest", "guest", "alice", "alice-pw", "carol", "carol-pw"),
            (user, vhost) -> user.equals("guest") ? Optional.of(ResourcePermissions.ALL)
                    : vhost.equals("/") ? Optional.ofNullable(PERMISSIONS.get(user)) : Optional.empty());

    private Channel guest;

    @BeforeEach
    void topology() throws Exception {
        allow("^alice\\.", "^alice\\.", "^alice\\.");
        guest = broker.connect().createChannel();
        for (String exchange : List.of("alice.x", "alice.y", "bob.x")) {
            guest.exchangeDeclare(exchange, "direct");
        }
        for (String queue : List.of("alice.q", "bob.q")) {
            guest.queueDeclare(queue, false, false, false, null);
            guest.queuePurge(queue);
        }
    }

    private static void allow(String configure, String write, String read) {
        PERMISSIONS.put("alice", new ResourcePermissions(configure, write, read));
    }

    private static ConnectionFactory factoryFor(String user, String password) {
        ConnectionFactory factory = broker.factory();
        factory.setUsername(user);
        factory.setPassword(password);
        return factory;
    }

    private static Connection aliceConnection() throws Exception {
        return broker.track(factoryFor("alice", "alice-pw").newConnection());
    }

    private static Channel alice() throws Exception {
        return aliceConnection().createChannel();
    }

    private static String refused(String permission, String kind, String name) {
        return "ACCESS_REFUSED - " + permission + " access to " + kind + " '" + name
                + "' in vhost '/' refused for user 'alice'";
    }

    /** The call fails with channel.close 403 and exactly this text; the connection stays open. */
    private static void assertRefused(String expectedText, Channel channel, Executable call) {
        IOException failure = assertThrows(IOException.class, call);
        assertChannelClosed(expectedText, signal(failure));
        assertTrue(channel.getConnection().isOpen(), "a soft error closes only the channel");
    }

    /** For asynchronous methods (publish): the channel is closed with 403 and exactly this text. */
    private static void awaitRefused(String expectedText, Channel channel) {
        await().atMost(5, TimeUnit.SECONDS).until(() -> !channel.isOpen());
        assertChannelClosed(expectedText, channel.getCloseReason());
    }

    private static void assertChannelClosed(String expectedText, ShutdownSignalException signal) {
        AMQP.Channel.Close close = (AMQP.Channel.Close) signal.getReason();
        assertEquals(403, close.getReplyCode());
        assertEquals(expectedText, close.getReplyText());
    }

    private static ShutdownSignalException signal(Throwable failure) {
        Throwable cause = failure;
        while (!(cause instanceof ShutdownSignalException)) {
            cause = cause.getCause();
        }
        return (ShutdownSignalException) cause;
    }

    private static AMQP.Connection.Close connectionClose(Throwable failure) {
        return (AMQP.Connection.Close) signal(failure).getReason();
    }

    // ---- exchanges ----

    @Test
    void exchangeDeclareNeedsConfigureOnTheExchange() throws Exception {
        Channel alice = alice();
        alice.exchangeDeclare("alice.new-x", "fanout");
        assertNotNull(broker.broker().virtualHost("/").exchange("alice.new-x"));
        assertRefused(refused("configure", "exchange", "bob.new-x"), alice,
                () -> alice.exchangeDeclare("bob.new-x", "fanout"));
        assertNull(broker.broker().virtualHost("/").exchange("bob.new-x"));
    }

    @Test
    void passiveDeclaresNeedNoPermission() throws Exception {
        allow("", "", "");
        Channel alice = alice();
        alice.exchangeDeclarePassive("bob.x");
        assertEquals("bob.q", alice.queueDeclarePassive("bob.q").getQueue());
    }

    @Test
    void anAlternateExchangeNeedsWriteOnItAndReadOnTheNewExchange() throws Exception {
        Channel alice = alice();
        alice.exchangeDeclare("alice.with-ae", "direct", false, false, Map.of("alternate-exchange", "alice.x"));
        assertRefused(refused("write", "exchange", "bob.x"), alice, () -> alice.exchangeDeclare(
                "alice.with-bob-ae", "direct", false, false, Map.of("alternate-exchange", "bob.x")));

        allow(".*", ".*", "^$");
        Channel unreadable = alice();
        assertRefused(refused("read", "exchange", "alice.unreadable"), unreadable, () -> unreadable.exchangeDeclare(
                "alice.unreadable", "direct", false, false, Map.of("alternate-exchange", "alice.x")));
    }

    @Test
    void exchangeDeleteNeedsConfigure() throws Exception {
        Channel alice = alice();
        alice.exchangeDelete("alice.y");
        assertNull(broker.broker().virtualHost("/").exchange("alice.y"));
        assertRefused(refused("configure", "exchange", "bob.x"), alice, () -> alice.exchangeDelete("bob.x"));
        assertNotNull(broker.broker().virtualHost("/").exchange("bob.x"));
    }

    @Test
    void exchangeBindNeedsWriteOnTheDestinationAndReadOnTheSource() throws Exception {
        Channel alice = alice();
        alice.exchangeBind("alice.x", "alice.y", "k");
        assertRefused(refused("write", "exchange", "bob.x"), alice, () -> alice.exchangeBind("bob.x", "alice.y", "k"));
        Channel second = alice();
        assertRefused(refused("read", "exchange", "bob.x"), second, () -> second.exchangeBind("alice.x", "bob.x", "k"));
    }

    @Test
    void exchangeUnbindNeedsWriteOnTheDestinationAndReadOnTheSource() throws Exception {
        guest.exchangeBind("bob.x", "alice.y", "k");
        Channel alice = alice();
        alice.exchangeUnbind("alice.x", "alice.y", "k");
        assertRefused(refused("write", "exchange", "bob.x"), alice,
                () -> alice.exchangeUnbind("bob.x", "alice.y", "k"));
    }

    // ---- queues ----

    @Test
    void queueDeclareNeedsConfigureOnTheQueue() throws Exception {
        Channel alice = alice();
        assertEquals("alice.new-q", alice.queueDeclare("alice.new-q", false, false, true, null).getQueue());
        assertRefused(refused("configure", "queue", "bob.new-q"), alice,
                () -> alice.queueDeclare("bob.new-q", false, false, true, null));
        assertNull(broker.broker().virtualHost("/").queue("bob.new-q"));
    }

    @Test
    void aServerNamedQueueIsCheckedUnderItsGeneratedName() throws Exception {
        Channel alice = alice();
        IOException failure = assertThrows(IOException.class, alice::queueDeclare);
        AMQP.Channel.Close close = (AMQP.Channel.Close) signal(failure).getReason();
        assertEquals(403, close.getReplyCode());
        assertTrue(close.getReplyText().matches("ACCESS_REFUSED - configure access to queue 'amq\\.gen-[\\w-]+'"
                + " in vhost '/' refused for user 'alice'"), close.getReplyText());

        allow("^amq\\.gen-", "", "");
        assertTrue(alice().queueDeclare().getQueue().startsWith("amq.gen-"));
    }

    @Test
    void aDeadLetterExchangeNeedsWriteOnItAndReadOnTheNewQueue() throws Exception {
        Channel alice = alice();
        alice.queueDeclare("alice.dlx-q", false, false, true, Map.of("x-dead-letter-exchange", "alice.x"));
        assertRefused(refused("write", "exchange", "bob.x"), alice, () -> alice.queueDeclare("alice.dlx-bob", false,
                false, true, Map.of("x-dead-letter-exchange", "bob.x")));
        Channel second = alice();
        assertRefused(refused("write", "exchange", "amq.default"), second, () -> second.queueDeclare(
                "alice.dlx-default", false, false, true, Map.of("x-dead-letter-exchange", "")));

        allow(".*", ".*", "^$");
        Channel unreadable = alice();
        assertRefused(refused("read", "queue", "alice.unreadable"), unreadable, () -> unreadable.queueDeclare(
                "alice.unreadable", false, false, true, Map.of("x-dead-letter-exchange", "alice.x")));
    }

    @Test
    void queueDeleteNeedsConfigure() throws Exception {
        guest.queueDeclare("alice.doomed", false, false, false, null);
        Channel alice = alice();
        alice.queueDelete("alice.doomed");
        assertNull(broker.broker().virtualHost("/").queue("alice.doomed"));
        assertRefused(refused("configure", "queue", "bob.q"), alice, () -> alice.queueDelete("bob.q"));
        assertNotNull(broker.broker().virtualHost("/").queue("bob.q"));
    }

    @Test
    void queuePurgeNeedsRead() throws Exception {
        guest.basicPublish("", "alice.q", null, "m".getBytes(StandardCharsets.UTF_8));
        Channel alice = alice();
        assertEquals(1, alice.queuePurge("alice.q").getMessageCount());
        allow(".*", ".*", "^$");
        Channel unreadable = alice();
        assertRefused(refused("read", "queue", "alice.q"), unreadable, () -> unreadable.queuePurge("alice.q"));
    }

    @Test
    void queueBindNeedsWriteOnTheQueueAndReadOnTheExchange() throws Exception {
        Channel alice = alice();
        alice.queueBind("alice.q", "alice.x", "k");
        assertRefused(refused("write", "queue", "bob.q"), alice, () -> alice.queueBind("bob.q", "alice.x", "k"));
        Channel second = alice();
        assertRefused(refused("read", "exchange", "bob.x"), second, () -> second.queueBind("alice.q", "bob.x", "k"));
    }

    @Test
    void queueUnbindNeedsWriteOnTheQueueAndReadOnTheExchange() throws Exception {
        guest.queueBind("alice.q", "bob.x", "k");
        Channel alice = alice();
        alice.queueUnbind("alice.q", "alice.x", "k");
        assertRefused(refused("read", "exchange", "bob.x"), alice, () -> alice.queueUnbind("alice.q", "bob.x", "k"));
    }

    // ---- messages ----

    @Test
    void publishNeedsWriteOnTheExchange() throws Exception {
        guest.queueBind("alice.q", "alice.x", "k");
        Channel alice = alice();
        alice.basicPublish("alice.x", "k", null, "allowed".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() -> guest.messageCount("alice.q") == 1);
        alice.basicPublish("bob.x", "k", null, "refused".getBytes(StandardCharsets.UTF_8));
        awaitRefused(refused("write", "exchange", "bob.x"), alice);
    }

    @Test
    void publishToTheDefaultExchangeNeedsWriteOnAmqDefault() throws Exception {
        Channel alice = alice();
        alice.basicPublish("", "alice.q", null, "refused".getBytes(StandardCharsets.UTF_8));
        awaitRefused(refused("write", "exchange", "amq.default"), alice);

        allow("", "^amq\\.default$", "");
        alice().basicPublish("", "alice.q", null, "allowed".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() -> guest.messageCount("alice.q") == 1);
    }

    @Test
    void basicGetNeedsReadOnTheQueue() throws Exception {
        guest.basicPublish("", "alice.q", null, "m".getBytes(StandardCharsets.UTF_8));
        Channel alice = alice();
        GetResponse got = alice.basicGet("alice.q", true);
        assertEquals("m", new String(got.getBody(), StandardCharsets.UTF_8));
        assertRefused(refused("read", "queue", "bob.q"), alice, () -> alice.basicGet("bob.q", true));
    }

    @Test
    void basicConsumeNeedsReadOnTheQueue() throws Exception {
        Channel alice = alice();
        DeliverCallback ignore = (tag, delivery) -> { };
        CancelCallback noCancel = tag -> { };
        assertTrue(alice.basicConsume("alice.q", true, ignore, noCancel).startsWith("amq.ctag-"));
        assertRefused(refused("read", "queue", "bob.q"), alice,
                () -> alice.basicConsume("bob.q", true, ignore, noCancel));
    }

    @Test
    void directReplyToNeedsOnlyWriteOnTheDefaultExchange() throws Exception {
        allow("", "^amq\\.default$", "");
        Channel alice = alice();
        LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
        alice.basicConsume("amq.rabbitmq.reply-to", true,
                (tag, delivery) -> replies.add(new String(delivery.getBody(), StandardCharsets.UTF_8)), tag -> { });
        alice.basicPublish("", "alice.q", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to").build(),
                "request".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() -> guest.messageCount("alice.q") == 1);
        GetResponse request = guest.basicGet("alice.q", true);
        guest.basicPublish("", request.getProps().getReplyTo(), null, "reply".getBytes(StandardCharsets.UTF_8));
        assertEquals("reply", replies.poll(5, TimeUnit.SECONDS));

        allow("", "", "");
        Channel noWrite = alice();
        noWrite.basicConsume("amq.rabbitmq.reply-to", true, (tag, delivery) -> { }, tag -> { });
        noWrite.basicPublish("", "alice.q", new AMQP.BasicProperties.Builder().replyTo("amq.rabbitmq.reply-to")
                .build(), "request".getBytes(StandardCharsets.UTF_8));
        awaitRefused(refused("write", "exchange", "amq.default"), noWrite);
    }

    // ---- changed permissions ----

    @Test
    void aNewChannelSeesChangedPermissions() throws Exception {
        Connection connection = aliceConnection();
        Channel before = connection.createChannel();
        assertRefused(refused("configure", "queue", "bob.later"), before,
                () -> before.queueDeclare("bob.later", false, false, true, null));
        allow(".*", ".*", ".*");
        assertEquals("bob.later", connection.createChannel().queueDeclare("bob.later", false, false, true, null)
                .getQueue());
    }

    @Test
    void permissionsChangedAppliesToOpenChannelsEvenForARememberedAnswer() throws Exception {
        guest.queueBind("alice.q", "alice.x", "k");
        Channel alice = alice();
        alice.basicPublish("alice.x", "k", null, "remembered".getBytes(StandardCharsets.UTF_8));
        await().atMost(5, TimeUnit.SECONDS).until(() -> guest.messageCount("alice.q") == 1);

        allow("^alice\\.", "", "^alice\\.");
        broker.service().permissionsChanged("alice", "/").get(5, TimeUnit.SECONDS);
        alice.basicPublish("alice.x", "k", null, "refused now".getBytes(StandardCharsets.UTF_8));
        awaitRefused(refused("write", "exchange", "alice.x"), alice);
        assertEquals(1, guest.messageCount("alice.q"));
    }

    // ---- the vhost ----

    @Test
    void anUnknownVhostIsNotAllowed() {
        ConnectionFactory factory = factoryFor("alice", "alice-pw");
        factory.setVirtualHost("no-such-vhost");
        AMQP.Connection.Close close = connectionClose(assertThrows(IOException.class, factory::newConnection));
        assertEquals(530, close.getReplyCode());
        assertEquals("NOT_ALLOWED - vhost no-such-vhost not found", close.getReplyText());
    }

    @Test
    void aVhostWithoutPermissionsIsNotAllowed() {
        AMQP.Connection.Close close = connectionClose(assertThrows(IOException.class,
                factoryFor("carol", "carol-pw")::newConnection));
        assertEquals(530, close.getReplyCode());
        assertEquals("NOT_ALLOWED - access to vhost '/' refused for user 'carol'", close.getReplyText());

        ConnectionFactory other = factoryFor("alice", "alice-pw");
        other.setVirtualHost("other");
        close = connectionClose(assertThrows(IOException.class, other::newConnection));
        assertEquals("NOT_ALLOWED - access to vhost 'other' refused for user 'alice'", close.getReplyText());
    }

    // ---- connection.update-secret from a raw client (AmqpUpdateSecretTest sends it as the Java client does) ----

    @Test
    void theRightSecretIsAcceptedAndTheConnectionGoesOn() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake("alice", "alice-pw", 0)) {
            client.sendMethod(0, new UpdateSecret(LongString.of("alice-pw"), "token refresh"));
            client.expect(UpdateSecretOk.class);
            client.sendMethod(1, new dev.junction.amqp.codec.method.Channel.Open(""));
            client.expect(dev.junction.amqp.codec.method.Channel.OpenOk.class);
        }
    }

    @Test
    void aWrongSecretClosesTheConnectionWithRabbitMqsReply() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake("alice", "alice-pw", 0)) {
            client.sendMethod(0, new UpdateSecret(LongString.of("wrong"), "token refresh"));
            Close close = client.expect(Close.class);
            assertEquals(530, close.replyCode());
            assertEquals("NOT_ALLOWED - New secret was refused by one of the backends", close.replyText());
            client.sendMethod(0, new CloseOk());
            assertTrue(client.closedByServer(5000));
        }
    }

    @Test
    void anUpdatedSecretLooksThePermissionsUpAgain() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake("alice", "alice-pw", 0)) {
            PERMISSIONS.remove("alice");
            client.sendMethod(0, new UpdateSecret(LongString.of("alice-pw"), "token refresh"));
            Close close = client.expect(Close.class);
            assertEquals(530, close.replyCode());
            assertEquals("NOT_ALLOWED - access to vhost '/' refused for user 'alice'", close.replyText());
        }
    }
}
