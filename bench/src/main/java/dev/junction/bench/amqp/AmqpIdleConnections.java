package dev.junction.bench.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.impl.nio.NioParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Opens AMQP 0-9-1 connections with one channel each (with {@code --consumer} also a server-named exclusive queue and
 * a consumer on it) that then stay idle (heartbeat off), holds them for a while so that the broker's memory can be
 * inspected, and closes them. The RabbitMQ client's NIO mode and one shared consumer dispatch pool keep the generator
 * at a few threads whatever the count. Prints {@code OPEN n consumers=m} once all are open, then a {@code RESULT}
 * line.
 */
@Command(name = "amqp-idle", mixinStandardHelpOptions = true,
        description = "Opens idle AMQP connections (one channel each, optionally a consumer) and holds them.")
public final class AmqpIdleConnections implements Callable<Integer> {
    @Option(names = "--uri", defaultValue = "amqp://guest:guest@127.0.0.1:5672")
    String uri;

    @Option(names = "--connections", required = true)
    int connections;

    @Option(names = "--consumer", description = "also declare a server-named exclusive queue and consume from it")
    boolean consumer;

    @Option(names = "--hold-seconds", defaultValue = "30", description = "how long the connections stay open")
    int holdSeconds;

    @Option(names = "--seconds", defaultValue = "300", description = "deadline for opening them all")
    int seconds;

    @Option(names = "--concurrency", defaultValue = "8", description = "handshakes in progress, at most")
    int concurrency;

    @Option(names = "--threads", defaultValue = "2", description = "NIO threads of the client")
    int threads;

    /** What {@link #open()} left open; {@link #close()} aborts every connection and stops the client's threads. */
    record OpenConnections(List<Connection> connections, int consumers, Exception firstFailure, long elapsedNanos,
                           ExecutorService consumerDispatch) implements AutoCloseable {
        String stoppedBy() {
            return firstFailure == null ? "" : " stopped_by=" + String.valueOf(firstFailure).replaceAll("\\s+", "_");
        }

        @Override
        public void close() {
            for (Connection connection : connections) {
                connection.abort(5000);
            }
            consumerDispatch.shutdownNow();
        }
    }

    @Override
    public Integer call() throws Exception {
        try (OpenConnections open = open()) {
            System.out.println("OPEN " + open.connections().size() + " consumers=" + open.consumers() + open.stoppedBy());
            System.out.flush();
            TimeUnit.SECONDS.sleep(holdSeconds);
            System.out.printf("RESULT scenario=amqp-idle requested=%d connected=%d consumers=%d connects_per_s=%d%s%n",
                    connections, open.connections().size(), open.consumers(),
                    Math.round(open.connections().size() * 1e9 / open.elapsedNanos()), open.stoppedBy());
            return open.connections().size() == connections ? 0 : 2;
        }
    }

    /** Opens the connections, {@code --concurrency} at a time, until all are open, one fails or the deadline. */
    OpenConnections open() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(uri);
        factory.setRequestedHeartbeat(0);
        factory.setAutomaticRecoveryEnabled(false);
        factory.useNio();
        factory.setNioParams(new NioParams().setNbIoThreads(threads));
        // Without a shared pool the client starts dispatch threads for every connection that has a consumer.
        ExecutorService consumerDispatch = Executors.newFixedThreadPool(threads);
        factory.setSharedExecutor(consumerDispatch);
        List<Connection> open = Collections.synchronizedList(new ArrayList<>(connections));
        AtomicInteger consumers = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        Runnable opener = () -> {
            int index;
            while (firstFailure.get() == null && System.nanoTime() < deadline
                    && (index = next.getAndIncrement()) < connections) {
                try {
                    Connection connection = factory.newConnection("bench-idle-" + index);
                    open.add(connection);
                    Channel channel = connection.createChannel();
                    if (consumer) {
                        String queue = channel.queueDeclare().getQueue();
                        channel.basicConsume(queue, true, new DefaultConsumer(channel));
                        consumers.incrementAndGet();
                    }
                } catch (Exception e) {
                    firstFailure.compareAndSet(null, e);
                }
            }
        };
        List<Thread> openers = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            Thread thread = new Thread(opener, "opener-" + i);
            thread.start();
            openers.add(thread);
        }
        for (Thread thread : openers) {
            thread.join();
        }
        return new OpenConnections(List.copyOf(open), consumers.get(), firstFailure.get(), System.nanoTime() - start,
                consumerDispatch);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new AmqpIdleConnections()).execute(args));
    }
}
