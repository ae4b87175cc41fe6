package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.MessageProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RabbitMQ's tutorials, written as their Java versions are, against Junction: what they print there is what is
 * asserted here.
 */
class RabbitMqTutorialsTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private static String text(Delivery delivery) {
        return new String(delivery.getBody(), StandardCharsets.UTF_8);
    }

    /** Tutorial 2: durable task queue, persistent messages, fair dispatch with prefetch 1 and manual acks. */
    @Test
    void workQueues() throws Exception {
        Channel producer = broker.connect().createChannel();
        producer.queueDeclare("task_queue", true, false, false, null);
        List<String> doneByA = new CopyOnWriteArrayList<>();
        List<String> doneByB = new CopyOnWriteArrayList<>();
        for (List<String> done : List.of(doneByA, doneByB)) {
            Channel worker = broker.connect().createChannel();
            worker.queueDeclare("task_queue", true, false, false, null);
            worker.basicQos(1);
            worker.basicConsume("task_queue", false, (tag, delivery) -> {
                done.add(text(delivery));
                worker.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            }, tag -> { });
        }
        for (int i = 0; i < 10; i++) {
            producer.basicPublish("", "task_queue", MessageProperties.PERSISTENT_TEXT_PLAIN,
                    ("task " + i).getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> doneByA.size() + doneByB.size() == 10);
        assertTrue(!doneByA.isEmpty() && !doneByB.isEmpty(), "both workers got work: " + doneByA + doneByB);
        producer.queueDelete("task_queue");
    }

    /** Tutorial 3: a fanout "logs" exchange, each subscriber with its own server-named exclusive queue. */
    @Test
    void publishSubscribe() throws Exception {
        List<BlockingQueue<String>> subscribers = List.of(new LinkedBlockingQueue<>(), new LinkedBlockingQueue<>());
        for (BlockingQueue<String> received : subscribers) {
            Channel channel = broker.connect().createChannel();
            channel.exchangeDeclare("logs", BuiltinExchangeType.FANOUT);
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, "logs", "");
            channel.basicConsume(queue, true, (tag, delivery) -> received.add(text(delivery)), tag -> { });
        }
        Channel emitter = broker.connect().createChannel();
        emitter.exchangeDeclare("logs", BuiltinExchangeType.FANOUT);
        emitter.basicPublish("logs", "", null, "info: Hello World!".getBytes(StandardCharsets.UTF_8));
        for (BlockingQueue<String> received : subscribers) {
            assertEquals("info: Hello World!", received.poll(5, TimeUnit.SECONDS));
        }
    }

    /** Tutorial 4: a direct exchange routing by severity. */
    @Test
    void routing() throws Exception {
        Channel channel = broker.connect().createChannel();
        channel.exchangeDeclare("direct_logs", BuiltinExchangeType.DIRECT);
        String errors = channel.queueDeclare().getQueue();
        channel.queueBind(errors, "direct_logs", "error");
        String everything = channel.queueDeclare().getQueue();
        for (String severity : List.of("info", "warning", "error")) {
            channel.queueBind(everything, "direct_logs", severity);
        }
        BlockingQueue<String> errorLog = new LinkedBlockingQueue<>();
        BlockingQueue<String> screen = new LinkedBlockingQueue<>();
        channel.basicConsume(errors, true, (t, d) -> errorLog.add(d.getEnvelope().getRoutingKey() + ":" + text(d)),
                t -> { });
        channel.basicConsume(everything, true, (t, d) -> screen.add(d.getEnvelope().getRoutingKey() + ":" + text(d)),
                t -> { });
        Channel emitter = broker.connect().createChannel();
        emitter.basicPublish("direct_logs", "info", null, "Run. Run. Or it will explode.".getBytes());
        emitter.basicPublish("direct_logs", "error", null, "It exploded.".getBytes());
        assertEquals("error:It exploded.", errorLog.poll(5, TimeUnit.SECONDS));
        assertEquals(Set.of("info:Run. Run. Or it will explode.", "error:It exploded."),
                Set.of(screen.poll(5, TimeUnit.SECONDS), screen.poll(5, TimeUnit.SECONDS)));
        assertNull(errorLog.poll(100, TimeUnit.MILLISECONDS));
    }

    /** Tutorial 5: a topic exchange with "*" and "#" patterns. */
    @Test
    void topics() throws Exception {
        Channel channel = broker.connect().createChannel();
        channel.exchangeDeclare("topic_logs", BuiltinExchangeType.TOPIC);
        Map<String, BlockingQueue<String>> byPattern = new ConcurrentHashMap<>();
        for (String pattern : List.of("#", "kern.*", "*.critical")) {
            String queue = channel.queueDeclare().getQueue();
            channel.queueBind(queue, "topic_logs", pattern);
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            byPattern.put(pattern, received);
            channel.basicConsume(queue, true, (t, d) -> received.add(d.getEnvelope().getRoutingKey()), t -> { });
        }
        Channel emitter = broker.connect().createChannel();
        for (String key : List.of("kern.critical", "kern.info", "cron.critical", "cron.info.detail")) {
            emitter.basicPublish("topic_logs", key, null, "A critical kernel error".getBytes());
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> byPattern.get("#").size() == 4);
        assertEquals(Set.of("kern.critical", "kern.info"), Set.copyOf(byPattern.get("kern.*")));
        assertEquals(Set.of("kern.critical", "cron.critical"), Set.copyOf(byPattern.get("*.critical")));
    }

    /** Tutorial 6: RPC, here with direct reply-to instead of a callback queue. */
    @Test
    void rpcOverDirectReplyTo() throws Exception {
        Channel server = broker.connect().createChannel();
        server.queueDeclare("rpc_queue", false, false, false, null);
        server.queuePurge("rpc_queue");
        server.basicQos(1);
        server.basicConsume("rpc_queue", false, (tag, delivery) -> {
            int n = Integer.parseInt(text(delivery));
            AMQP.BasicProperties replyProperties = new AMQP.BasicProperties.Builder()
                    .correlationId(delivery.getProperties().getCorrelationId()).build();
            server.basicPublish("", delivery.getProperties().getReplyTo(), replyProperties,
                    String.valueOf(fib(n)).getBytes(StandardCharsets.UTF_8));
            server.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
        }, tag -> { });

        Channel client = broker.connect().createChannel();
        BlockingQueue<Delivery> replies = new LinkedBlockingQueue<>();
        client.basicConsume("amq.rabbitmq.reply-to", true, (tag, delivery) -> replies.add(delivery), tag -> { });
        for (int n = 0; n < 10; n++) {
            String correlationId = UUID.randomUUID().toString();
            client.basicPublish("", "rpc_queue", new AMQP.BasicProperties.Builder().correlationId(correlationId)
                    .replyTo("amq.rabbitmq.reply-to").build(), String.valueOf(n).getBytes(StandardCharsets.UTF_8));
            Delivery reply = replies.poll(5, TimeUnit.SECONDS);
            assertNotNull(reply);
            assertEquals(correlationId, reply.getProperties().getCorrelationId());
            assertEquals(String.valueOf(fib(n)), text(reply));
        }
        server.queueDelete("rpc_queue");
    }

    private static int fib(int n) {
        return n < 2 ? n : fib(n - 1) + fib(n - 2);
    }

    /** The dead-lettering guide: rejected and expired messages reach the dead-letter queue with x-death. */
    @Test
    void deadLettering() throws Exception {
        Channel channel = broker.connect().createChannel();
        channel.exchangeDeclare("some.exchange.name", BuiltinExchangeType.DIRECT);
        channel.queueDeclare("dead-letters", false, false, false, null);
        channel.queueBind("dead-letters", "some.exchange.name", "work");
        channel.queueDeclare("work", false, false, false,
                Map.of("x-dead-letter-exchange", "some.exchange.name", "x-message-ttl", 200));
        channel.basicPublish("", "work", null, "taken and rejected".getBytes());
        channel.basicPublish("", "work", null, "left to expire".getBytes());
        var rejected = await().atMost(5, TimeUnit.SECONDS).until(() -> channel.basicGet("work", false),
                java.util.Objects::nonNull);
        channel.basicReject(rejected.getEnvelope().getDeliveryTag(), false);
        BlockingQueue<Delivery> dead = new LinkedBlockingQueue<>();
        channel.basicConsume("dead-letters", true, (t, d) -> dead.add(d), t -> { });
        Delivery first = dead.poll(5, TimeUnit.SECONDS);
        Delivery second = dead.poll(5, TimeUnit.SECONDS);
        assertNotNull(first);
        assertNotNull(second);
        Map<String, String> reasons = new ConcurrentHashMap<>();
        for (Delivery delivery : List.of(first, second)) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> deaths = (List<Map<String, Object>>) delivery.getProperties().getHeaders()
                    .get("x-death");
            reasons.put(text(delivery), deaths.get(0).get("reason").toString());
        }
        assertEquals(Map.of("taken and rejected", "rejected", "left to expire", "expired"), reasons);
        channel.queueDelete("work");
        channel.queueDelete("dead-letters");
        channel.exchangeDelete("some.exchange.name");
    }
}
