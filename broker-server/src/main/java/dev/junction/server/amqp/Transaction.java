package dev.junction.server.amqp;

import dev.junction.amqp.codec.method.Basic;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.StoreCountdown;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The uncommitted work of a transactional channel (tx.select): publishes and settlements, applied in order by
 * tx.commit and dropped by tx.rollback, after which the settled deliveries are unacknowledged again.
 */
final class Transaction {
    private record Publish(Basic.Publish method, MessageProperties properties, ByteBuf body) {
    }

    private record Settle(List<Unacked> deliveries, Settlement settlement) {
    }

    private final List<Object> work = new ArrayList<>();

    /** Keeps the body reference until commit or rollback. */
    void publish(Basic.Publish method, MessageProperties properties, ByteBuf body) {
        work.add(new Publish(method, properties, body));
    }

    void settle(List<Unacked> deliveries, Settlement settlement) {
        work.add(new Settle(deliveries, settlement));
    }

    /**
     * Applies the work in order; if a publish is refused, the rest is dropped and the refusal passed on. Returns
     * what completes once every published message is stored for the durable queues it reached, or fails with the
     * store's error.
     */
    CompletableFuture<Void> commit(ChannelPublisher publisher, ChannelConsumers consumers) {
        List<Object> steps = List.copyOf(work);
        work.clear();
        CompletableFuture<Void> allStored = new CompletableFuture<>();
        StoreCountdown stored = new StoreCountdown((int) steps.stream().filter(Publish.class::isInstance).count(),
                failure -> {
                    if (failure == null) {
                        allStored.complete(null);
                    } else {
                        allStored.completeExceptionally(failure);
                    }
                });
        for (int i = 0; i < steps.size(); i++) {
            try {
                if (steps.get(i) instanceof Publish publish) {
                    publisher.route(publish.method(), publish.properties(), publish.body(), stored);
                } else {
                    Settle settle = (Settle) steps.get(i);
                    consumers.apply(settle.deliveries(), settle.settlement());
                }
            } catch (RuntimeException e) {
                work.addAll(steps.subList(i + 1, steps.size()));
                consumers.unsettle(rollback());
                throw e;
            }
        }
        return allStored;
    }

    /** Drops the publishes and returns the deliveries whose settlement is undone. */
    List<Unacked> rollback() {
        List<Unacked> unsettled = new ArrayList<>();
        for (Object step : work) {
            if (step instanceof Publish publish) {
                publish.body().release();
            } else {
                unsettled.addAll(((Settle) step).deliveries());
            }
        }
        work.clear();
        return unsettled;
    }
}
