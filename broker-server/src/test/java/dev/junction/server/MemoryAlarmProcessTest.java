package dev.junction.server;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory alarm in a broker of its own with one small memory pool: 1 MB messages published into a queue without
 * consumers fill that pool, and publishers of both protocols are held back before it runs out (the AMQP publisher is
 * told with connection.blocked, never closed with 541; the MQTT publisher is no longer read), then let go once the
 * queue is purged.
 */
class MemoryAlarmProcessTest {
    private static final int MESSAGE_BYTES = 1 << 20;
    /** Well beyond either pool: without the alarm, publishing this much runs the broker out of memory. */
    private static final int MESSAGES = 400;

    enum Pool {
        // Bodies live in Netty's direct buffers; the heap is ample.
        DIRECT("direct memory", "-Xmx256m", "-XX:MaxDirectMemorySize=64m"),
        // Netty prefers heap buffers, so the bodies fill a small heap; direct memory is ample.
        HEAP("heap", "-Xmx160m", "-XX:MaxDirectMemorySize=512m", "-Dio.netty.noPreferDirect=true");

        final String reason;
        final List<String> jvmOptions;

        Pool(String reason, String... jvmOptions) {
            this.reason = reason;
            this.jvmOptions = List.of(jvmOptions);
        }
    }

    @TempDir
    Path workDir;

    @ParameterizedTest
    @EnumSource(Pool.class)
    void publishersOfBothProtocolsAreHeldBeforeThePoolRunsOutAndLetGoAfter(Pool pool) throws Exception {
        int mqttPort = Wire.freePort();
        int amqpPort = Wire.freePort();
        int httpPort = Wire.freePort();
        try (BrokerProcess broker = BrokerProcess.startFromClassPath(workDir, pool.jvmOptions,
                "--set", "bind=127.0.0.1", "--set", "mqtt.port=" + mqttPort, "--set", "amqp.port=" + amqpPort,
                "--set", "http.port=" + httpPort, "--set", "data.dir=" + workDir.resolve("data"),
                // Queues keep every body in memory, so that only the alarm stands between them and the limit.
                "--set", "storage.queue_memory_limit=" + (4L << 30))) {
            broker.awaitLine("Listening for AMQP 0-9-1 on 127.0.0.1:" + amqpPort);
            MqttAsyncClient mqtt = mqttPublisher(mqttPort);
            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost("127.0.0.1");
            factory.setPort(amqpPort);
            factory.setAutomaticRecoveryEnabled(false);
            Connection admin = factory.newConnection();
            Channel adminChannel = admin.createChannel();
            adminChannel.queueDeclare("backlog", false, false, false, null);

            Connection publisher = factory.newConnection();
            CompletableFuture<String> blocked = new CompletableFuture<>();
            CompletableFuture<Void> unblocked = new CompletableFuture<>();
            publisher.addBlockedListener(new BlockedListener() {
                @Override
                public void handleBlocked(String reason) {
                    blocked.complete(reason);
                }

                @Override
                public void handleUnblocked() {
                    unblocked.complete(null);
                }
            });
            AtomicReference<Object> closedWith = new AtomicReference<>();
            publisher.addShutdownListener(signal -> closedWith.set(signal.getReason()));
            AtomicInteger published = new AtomicInteger();
            Thread publishing = new Thread(() -> publishUntilBlocked(publisher, blocked, published));
            publishing.setDaemon(true);
            publishing.start();
            try {
                String reason = blocked.get(60, TimeUnit.SECONDS);
                assertTrue(reason.contains(pool.reason) && reason.contains("memory.high_watermark"), reason);
                assertTrue(published.get() < MESSAGES, "blocked after " + published.get() + " messages");

                IMqttDeliveryToken held = mqtt.publish("alarm/held", new byte[]{2}, 1, false);
                await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !held.isComplete());
                assertTrue(alarmActive(httpPort), "junction_alarm_active{resource=\"memory\"} is 1");

                adminChannel.queuePurge("backlog");
                unblocked.get(60, TimeUnit.SECONDS);
                held.waitForCompletion(30_000);
                assertNull(closedWith.get(), "the publisher was never closed");
                assertTrue(broker.stdout().stream().noneMatch(line -> line.contains("OutOfMemoryError")),
                        () -> "stdout: " + broker.stdout());
            } catch (Exception | AssertionError e) {
                e.addSuppressed(new AssertionError("the broker's stdout: " + broker.stdout()));
                throw e;
            } finally {
                closeWithin(Duration.ofSeconds(10), () -> {
                    publisher.abort(1000);
                    admin.abort(1000);
                    mqtt.disconnectForcibly(0, 1000, false);
                    mqtt.close(true);
                });
            }
        }
    }

    /**
     * Closes the clients on a thread of its own and waits for it only so long: an abort waits for a publishing
     * thread stuck in a socket write the broker no longer reads, and only the broker's end (closed next) frees it.
     */
    private static void closeWithin(Duration deadline, Closing closing) throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        Thread closer = new Thread(() -> {
            try {
                closing.close();
                closed.complete(null);
            } catch (Throwable e) {
                closed.completeExceptionally(e);
            }
        }, "closing clients");
        closer.setDaemon(true);
        closer.start();
        try {
            closed.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException stuck) {
            // Left to the broker's exit, which resets the sockets the closer waits on.
        }
    }

    private interface Closing {
        void close() throws Exception;
    }

    /** Publishes 1 MB messages until the broker says it is blocked; the last publish may hang, unread. */
    private static void publishUntilBlocked(Connection publisher, CompletableFuture<String> blocked,
                                            AtomicInteger published) {
        try {
            Channel channel = publisher.createChannel();
            byte[] body = new byte[MESSAGE_BYTES];
            while (!blocked.isDone() && published.get() < MESSAGES) {
                channel.basicPublish("", "backlog", new AMQP.BasicProperties(), body);
                published.incrementAndGet();
            }
        } catch (Exception e) {
            blocked.completeExceptionally(e);
        }
    }

    /** Connected, and known as a publisher by one publish acknowledged before the alarm. */
    private static MqttAsyncClient mqttPublisher(int port) throws Exception {
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + port, "alarm-publisher",
                new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        options.setKeepAliveInterval(0);
        client.connect(options).waitForCompletion(10_000);
        client.publish("alarm/first", new byte[]{1}, 1, false).waitForCompletion(10_000);
        return client;
    }

    private static boolean alarmActive(int httpPort) throws Exception {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        return metrics.body().contains("junction_alarm_active{resource=\"memory\"} 1.0");
    }
}
