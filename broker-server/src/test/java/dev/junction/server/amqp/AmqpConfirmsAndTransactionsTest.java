package dev.junction.server.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static dev.junction.server.amqp.AmqpTopologyTest.replyCode;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AmqpConfirmsAndTransactionsTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private Channel channel() throws Exception {
        return broker.connect().createChannel();
    }

    @Test
    void everyPublishIsConfirmedRoutedOrNot() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        channel.confirmSelect();
        for (int i = 0; i < 500; i++) {
            channel.basicPublish("", i % 2 == 0 ? queue : "unroutable", null, new byte[] {(byte) i});
        }
        channel.waitForConfirmsOrDie(5000);
        assertEquals(500, channel.getNextPublishSeqNo() - 1);
    }

    @Test
    void acksMayCoverSeveralPublishesAtOnce() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        channel.confirmSelect();
        Set<Long> confirmed = ConcurrentHashMap.newKeySet();
        Set<Boolean> multipleSeen = ConcurrentHashMap.newKeySet();
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                multipleSeen.add(multiple);
                confirmed.add(tag);
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                throw new AssertionError("nack for " + tag);
            }
        });
        for (int i = 0; i < 2000; i++) {
            channel.basicPublish("", queue, null, new byte[10]);
        }
        channel.waitForConfirmsOrDie(5000);
        assertTrue(confirmed.contains(2000L));
        assertTrue(multipleSeen.contains(true), "with 2000 publishes in flight some acks are coalesced");
    }

    @Test
    void aFullRejectPublishQueueNacks() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare("", false, true, true,
                Map.of("x-max-length", 1, "x-overflow", "reject-publish")).getQueue();
        channel.confirmSelect();
        Set<Long> nacked = ConcurrentHashMap.newKeySet();
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        channel.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long tag, boolean multiple) {
                acked.add(tag);
            }

            @Override
            public void handleNack(long tag, boolean multiple) {
                nacked.add(tag);
            }
        });
        channel.basicPublish("", queue, null, "kept".getBytes());
        channel.basicPublish("", queue, null, "refused".getBytes());
        await().atMost(5, TimeUnit.SECONDS).until(() -> acked.size() + nacked.size() == 2);
        assertEquals(Set.of(1L), acked);
        assertEquals(Set.of(2L), nacked);
    }

    @Test
    void confirmAndTxDoNotMix() throws Exception {
        Channel confirming = channel();
        confirming.confirmSelect();
        assertEquals(406, replyCode(assertThrows(IOException.class, confirming::txSelect)));
        Channel transactional = channel();
        transactional.txSelect();
        assertEquals(406, replyCode(assertThrows(IOException.class, transactional::confirmSelect)));
    }

    @Test
    void commitWithoutSelectIs406() throws Exception {
        Channel channel = channel();
        assertEquals(406, replyCode(assertThrows(IOException.class, channel::txCommit)));
    }

    @Test
    void transactionalPublishesAppearOnCommitOnly() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        channel.txSelect();
        channel.basicPublish("", queue, null, "rolled back".getBytes());
        channel.txRollback();
        channel.basicPublish("", queue, null, "committed".getBytes());
        Channel observer = channel.getConnection().createChannel();
        assertEquals(0, observer.queueDeclarePassive(queue).getMessageCount());
        channel.txCommit();
        GetResponse response = await().atMost(5, TimeUnit.SECONDS).until(() -> observer.basicGet(queue, true),
                Objects::nonNull);
        assertEquals("committed", new String(response.getBody()));
        await().during(Duration.ofMillis(200)).atMost(2, TimeUnit.SECONDS)
                .until(() -> observer.queueDeclarePassive(queue).getMessageCount() == 0);
    }

    @Test
    void transactionalAcksTakeEffectOnCommit() throws Exception {
        Channel channel = channel();
        String queue = channel.queueDeclare().getQueue();
        channel.basicPublish("", queue, null, "work".getBytes());
        channel.txSelect();
        GetResponse got = await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, false),
                Objects::nonNull);
        channel.basicAck(got.getEnvelope().getDeliveryTag(), false);
        channel.txRollback();
        channel.basicRecover(true);
        GetResponse again = await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet(queue, false),
                Objects::nonNull);
        assertTrue(again.getEnvelope().isRedeliver(), "the rolled-back ack left the message unacked");
        channel.basicAck(again.getEnvelope().getDeliveryTag(), false);
        channel.txCommit();
        channel.basicRecover(true);
        assertNull(channel.basicGet(queue, false), "the committed ack settled it");
    }
}
