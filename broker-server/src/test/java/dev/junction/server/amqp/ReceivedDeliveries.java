package dev.junction.server.amqp;

import com.rabbitmq.client.Delivery;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Deliveries a test's consumer collected, awaited with a deadline generous enough for a loaded machine. */
final class ReceivedDeliveries {
    static final long DEADLINE_SECONDS = 20;

    private ReceivedDeliveries() {
    }

    static String text(Delivery delivery) {
        return new String(delivery.getBody(), StandardCharsets.UTF_8);
    }

    static Delivery next(BlockingQueue<Delivery> received) throws InterruptedException {
        Delivery delivery = received.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertNotNull(delivery, "nothing delivered within " + DEADLINE_SECONDS + " s");
        return delivery;
    }
}
