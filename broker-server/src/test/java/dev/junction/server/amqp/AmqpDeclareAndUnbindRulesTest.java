package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.amqp.AmqpTopologyTest.replyCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RabbitMQ's rules for names, redeclarations and unbinding, over the RabbitMQ Java client. */
class AmqpDeclareAndUnbindRulesTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private Channel channel() throws Exception {
        return broker.connect().createChannel();
    }

    private static String replyText(IOException failure) {
        return ((AMQP.Channel.Close) ((ShutdownSignalException) failure.getCause()).getReason()).getReplyText();
    }

    @Test
    void lineFeedsAndCarriageReturnsAreStrippedFromDeclaredAndBoundNames() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("names.exchange\r\n", BuiltinExchangeType.DIRECT, false, true, null);
        assertEquals("names.queue", channel.queueDeclare("names\n.queue", false, false, true, null).getQueue());
        channel.queueBind("names.queue\n", "names.exchange\r", "k");
        channel.exchangeDeclarePassive("names.exchange");

        channel.basicPublish("names.exchange", "k", null, "x".getBytes());
        await().atMost(20, TimeUnit.SECONDS).until(() -> channel.basicGet("names.queue", true), Objects::nonNull);

        channel.queueDelete("\rnames.queue");
        IOException gone = assertThrows(IOException.class, () -> channel.queueDeclarePassive("names.queue"));
        assertEquals(404, replyCode(gone));
    }

    @Test
    void queueArgumentsCompareByValueWhateverTheirIntegerType() throws Exception {
        Channel channel = channel();
        channel.queueDeclare("equivalence.ttl", false, false, true, Map.of("x-message-ttl", (short) 30000));
        channel.queueDeclare("equivalence.ttl", false, false, true, Map.of("x-message-ttl", 30000));
        channel.queueDeclare("equivalence.ttl", false, false, true, Map.of("x-message-ttl", 30000L));

        IOException other = assertThrows(IOException.class, () ->
                channel.queueDeclare("equivalence.ttl", false, false, true, Map.of("x-message-ttl", 2000L)));
        assertEquals(406, replyCode(other));
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'equivalence.ttl' in vhost "
                + "'/': received the value '2000' of type 'long' but current is the value '30000' of type 'short'",
                replyText(other));
    }

    @Test
    void unknownExchangeArgumentsDoNotMakeARedeclarationInequivalent() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("equivalence.exchange", BuiltinExchangeType.TOPIC, false, true,
                Map.of("x-custom", "first"));
        channel.exchangeDeclare("equivalence.exchange", BuiltinExchangeType.TOPIC, false, true, null);
        channel.exchangeDeclare("equivalence.exchange", BuiltinExchangeType.TOPIC, false, true,
                Map.of("x-custom", "second"));

        IOException alternate = assertThrows(IOException.class, () -> channel.exchangeDeclare(
                "equivalence.exchange", BuiltinExchangeType.TOPIC, false, true,
                Map.of("alternate-exchange", "elsewhere")));
        assertEquals(406, replyCode(alternate));
        assertEquals("PRECONDITION_FAILED - inequivalent arg 'alternate-exchange' for exchange "
                + "'equivalence.exchange' in vhost '/': received the value 'elsewhere' of type 'longstr' but current "
                + "is none", replyText(alternate));
    }

    @Test
    void anExclusiveFlagThatDoesNotMatchIsResourceLocked() throws Exception {
        Channel owner = channel();
        owner.queueDeclare("equivalence.shared", false, false, true, null);
        IOException madeExclusive = assertThrows(IOException.class,
                () -> owner.queueDeclare("equivalence.shared", false, true, true, null));
        assertEquals(405, replyCode(madeExclusive));

        Channel exclusiveOwner = channel();
        exclusiveOwner.queueDeclare("equivalence.exclusive", false, true, true, null);
        Channel other = channel();
        IOException notExclusive = assertThrows(IOException.class,
                () -> other.queueDeclare("equivalence.exclusive", false, false, true, null));
        assertEquals(405, replyCode(notExclusive));
        assertEquals("RESOURCE_LOCKED - cannot obtain exclusive access to locked queue 'equivalence.exclusive' in "
                + "vhost '/'", replyText(notExclusive));
    }

    @Test
    void theDefaultExchangeCannotBeDeclared() throws Exception {
        Channel channel = channel();
        IOException active = assertThrows(IOException.class,
                () -> channel.exchangeDeclare("", BuiltinExchangeType.DIRECT, true));
        assertEquals(403, replyCode(active));
        assertEquals("ACCESS_REFUSED - operation not permitted on the default exchange", replyText(active));

        Channel another = channel();
        IOException passive = assertThrows(IOException.class, () -> another.exchangeDeclarePassive(""));
        assertEquals(403, replyCode(passive));
    }

    @Test
    void unbindingWhatDoesNotExistSucceeds() throws Exception {
        Channel channel = channel();
        channel.exchangeDeclare("unbind.exchange", BuiltinExchangeType.DIRECT, false, true, null);
        String queue = channel.queueDeclare().getQueue();

        channel.queueUnbind(queue, "unbind.exchange", "never-bound");
        channel.queueUnbind("unbind.no-such-queue", "unbind.exchange", "k");
        channel.queueUnbind(queue, "unbind.no-such-exchange", "k");
        channel.exchangeUnbind("unbind.no-such-destination", "unbind.exchange", "k");
        channel.exchangeUnbind("unbind.exchange", "unbind.no-such-source", "k");

        assertTrue(channel.isOpen());
        IOException defaultExchange = assertThrows(IOException.class, () -> channel.queueUnbind(queue, "", queue));
        assertEquals(403, replyCode(defaultExchange));
    }
}
