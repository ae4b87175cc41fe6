package dev.junction.core.queue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A consumer for tests: records deliveries for the test thread to take, and can be made unwritable or offline. */
public final class RecordingConsumer implements QueueConsumer {
    private final LinkedBlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
    private final List<Queue> deletedQueues = new ArrayList<>();
    private volatile boolean writable = true;
    private volatile boolean online = true;

    @Override
    public void deliver(Delivery delivery) {
        deliveries.add(delivery);
    }

    @Override
    public synchronized void queueDeleted(Queue queue) {
        deletedQueues.add(queue);
    }

    public synchronized List<Queue> deletedQueues() {
        return List.copyOf(deletedQueues);
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    public void setWritable(boolean writable) {
        this.writable = writable;
    }

    @Override
    public boolean isOnline() {
        return online;
    }

    /** As an MQTT persistent session between connections: still subscribed, no client there. */
    public void setOnline(boolean online) {
        this.online = online;
    }

    public Delivery take() throws InterruptedException {
        Delivery delivery = deliveries.poll(5, TimeUnit.SECONDS);
        assertNotNull(delivery, "no delivery within 5 s");
        return delivery;
    }

    /** Returns null if nothing arrives within the window: for asserting that nothing is delivered. */
    public Delivery poll(Duration window) throws InterruptedException {
        return deliveries.poll(window.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int pending() {
        return deliveries.size();
    }
}
