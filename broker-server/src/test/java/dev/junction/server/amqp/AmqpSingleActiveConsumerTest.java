package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** x-single-active-consumer with consumer priorities, as RabbitMQ documents them, through the RabbitMQ client. */
class AmqpSingleActiveConsumerTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private record Received(String text, long tag) {
    }

    private static final class Recorder extends DefaultConsumer {
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

        Recorder(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
            received.add(new Received(new String(body, StandardCharsets.UTF_8), envelope.getDeliveryTag()));
        }

        Received next() throws InterruptedException {
            Received next = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(next, "no delivery within 5 s");
            return next;
        }

        Received none() throws InterruptedException {
            return received.poll(300, TimeUnit.MILLISECONDS);
        }
    }

    private static Map<String, Object> priority(int priority) {
        return Map.of("x-priority", priority);
    }

    @Test
    void higherPriorityConsumerBecomesActiveOnceTheActiveOneHasAckedEverything() throws Exception {
        Connection connection = broker.connect();
        Channel channel = connection.createChannel();
        channel.queueDeclare("sac", false, false, true, Map.of("x-single-active-consumer", true));
        Channel lowChannel = connection.createChannel();
        Channel highChannel = connection.createChannel();
        Recorder low = new Recorder(lowChannel);
        Recorder high = new Recorder(highChannel);
        lowChannel.basicConsume("sac", false, priority(1), low);
        channel.basicPublish("", "sac", null, "1".getBytes(StandardCharsets.UTF_8));
        Received first = low.next();
        assertEquals("1", first.text());

        highChannel.basicConsume("sac", false, priority(5), high);
        channel.basicPublish("", "sac", null, "2".getBytes(StandardCharsets.UTF_8));
        assertNull(high.none(), "not switched while the active consumer holds an unacked message");
        assertNull(low.none(), "the outranked consumer gets nothing more");

        lowChannel.basicAck(first.tag(), false);
        Received second = high.next();
        assertEquals("2", second.text());
        highChannel.basicAck(second.tag(), false);
        channel.basicPublish("", "sac", null, "3".getBytes(StandardCharsets.UTF_8));
        highChannel.basicAck(high.next().tag(), false);
        assertNull(low.none());
    }

    @Test
    void activeConsumerIsTheHighestPriorityAndTheNextHighestTakesOver() throws Exception {
        Connection connection = broker.connect();
        Channel channel = connection.createChannel();
        channel.queueDeclare("sac-order", false, false, true, Map.of("x-single-active-consumer", true));
        Recorder early = new Recorder(channel);
        Recorder top = new Recorder(channel);
        Recorder middle = new Recorder(channel);
        channel.basicConsume("sac-order", true, priority(0), early);
        String topTag = channel.basicConsume("sac-order", true, priority(9), top);
        channel.basicConsume("sac-order", true, priority(4), middle);
        channel.basicPublish("", "sac-order", null, "a".getBytes(StandardCharsets.UTF_8));
        assertEquals("a", top.next().text());
        channel.basicCancel(topTag);
        channel.basicPublish("", "sac-order", null, "b".getBytes(StandardCharsets.UTF_8));
        assertEquals("b", middle.next().text(), "the next highest priority, not the earliest consumer");
        assertNull(early.none());
    }
}
