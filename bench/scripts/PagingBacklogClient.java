import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;

import java.nio.ByteBuffer;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The AMQP side of bench/scripts/paging-backlog.sh, run with the single-file source launcher.
 *
 * <pre>
 * publish PORT COUNT BYTES EVERY  publishes COUNT messages of BYTES bytes (one in EVERY persistent, the others
 *                           transient) with confirms to the durable queue paging-backlog, and prints the rate
 * consume PORT COUNT        drains COUNT messages with prefetch 1000, checks each carries the next sequence number,
 *                           and prints the rate; exit 1 on a gap or a reordering
 * </pre>
 */
public final class PagingBacklogClient {
    private static final String QUEUE = "paging-backlog";
    private static final int WINDOW = 2_000;

    public static void main(String[] args) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setPort(Integer.parseInt(args[1]));
        int count = Integer.parseInt(args[2]);
        try (Connection connection = factory.newConnection()) {
            Channel channel = connection.createChannel();
            channel.queueDeclare(QUEUE, true, false, false, null);
            long started = System.nanoTime();
            switch (args[0]) {
                case "publish" -> publish(channel, count, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
                case "consume" -> consume(channel, count);
                default -> throw new IllegalArgumentException("publish or consume, not " + args[0]);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            System.out.printf("%s %d messages in %.1f s: %.0f msg/s%n", args[0], count, seconds, count / seconds);
        }
    }

    private static void publish(Channel channel, int count, int bytes, int persistentEvery) throws Exception {
        channel.confirmSelect();
        for (int seq = 0; seq < count; seq++) {
            ByteBuffer body = ByteBuffer.allocate(bytes).putLong(seq);
            channel.basicPublish("", QUEUE, seq % persistentEvery == 0 ? MessageProperties.PERSISTENT_BASIC
                    : MessageProperties.BASIC, body.array());
            if (seq % WINDOW == WINDOW - 1) {
                channel.waitForConfirmsOrDie(60_000);
            }
        }
        channel.waitForConfirmsOrDie(60_000);
    }

    private static void consume(Channel channel, int count) throws Exception {
        LinkedBlockingQueue<long[]> received = new LinkedBlockingQueue<>();
        channel.basicQos(1000);
        channel.basicConsume(QUEUE, false, (tag, delivery) -> {
            received.add(new long[] {ByteBuffer.wrap(delivery.getBody()).getLong(),
                    delivery.getEnvelope().getDeliveryTag()});
        }, tag -> { });
        for (long expected = 0; expected < count; expected++) {
            long[] next = received.poll(60, TimeUnit.SECONDS);
            if (next == null || next[0] != expected) {
                System.out.println("expected message " + expected + ", got " + (next == null ? "nothing" : next[0]));
                System.exit(1);
            }
            if (expected % 500 == 499) {
                channel.basicAck(next[1], true);
            }
        }
        channel.basicAck(0, true);
        GetResponse extra = channel.basicGet(QUEUE, true);
        if (extra != null) {
            System.out.println("a message beyond the " + count + " published");
            System.exit(1);
        }
    }
}
