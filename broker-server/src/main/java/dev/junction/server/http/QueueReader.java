package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Delivery;
import dev.junction.core.queue.Queue;
import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@code POST /api/queues/vhost/name/get}: takes up to {@code count} messages as basic.get would, shows them, then
 * acks or requeues them by {@code ackmode} ({@code ack_requeue_true}, {@code reject_requeue_true},
 * {@code ack_requeue_false}, {@code reject_requeue_false}). Requeueing waits until all are taken, so one request
 * never sees the same message twice.
 */
final class QueueReader {
    private static final int MAX_COUNT = 10_000;

    private enum AckMode { ACK_REQUEUE_TRUE, REJECT_REQUEUE_TRUE, ACK_REQUEUE_FALSE, REJECT_REQUEUE_FALSE }

    private QueueReader() {
    }

    static CompletableFuture<ArrayNode> read(Queue queue, ObjectNode body, Executor replyExecutor) {
        int count = Json.integer(body, "count", 1, 0, MAX_COUNT);
        AckMode ackMode = ackMode(Json.text(body, "ackmode", null));
        boolean base64 = encodingIsBase64(Json.text(body, "encoding", "auto"));
        int truncate = Json.integer(body, "truncate", Integer.MAX_VALUE, 0, Integer.MAX_VALUE);
        return take(queue, count, new ArrayList<>())
                .thenApplyAsync(taken -> show(taken, ackMode, base64, truncate), replyExecutor);
    }

    private static AckMode ackMode(String name) {
        if (name == null) {
            throw ApiError.badRequest("'ackmode' is required: ack_requeue_true, reject_requeue_true, "
                    + "ack_requeue_false or reject_requeue_false");
        }
        for (AckMode mode : AckMode.values()) {
            if (mode.name().equalsIgnoreCase(name)) {
                return mode;
            }
        }
        throw ApiError.badRequest("unknown ackmode '" + name + "': expected ack_requeue_true, "
                + "reject_requeue_true, ack_requeue_false or reject_requeue_false");
    }

    private static boolean encodingIsBase64(String encoding) {
        return switch (encoding) {
            case "auto" -> false;
            case "base64" -> true;
            default -> throw ApiError.badRequest("unknown encoding '" + encoding + "': expected auto or base64");
        };
    }

    private static CompletableFuture<List<Queue.Fetched>> take(Queue queue, int remaining,
                                                               List<Queue.Fetched> taken) {
        if (remaining == 0) {
            return CompletableFuture.completedFuture(taken);
        }
        return queue.get(false).thenCompose(fetched -> {
            if (fetched == null) {
                return CompletableFuture.completedFuture(taken);
            }
            taken.add(fetched);
            return take(queue, remaining - 1, taken);
        });
    }

    private static ArrayNode show(List<Queue.Fetched> taken, AckMode ackMode, boolean base64, int truncate) {
        ArrayNode list = Json.array();
        for (Queue.Fetched fetched : taken) {
            Delivery delivery = fetched.delivery();
            try {
                list.add(message(delivery, fetched.messageCount(), base64, truncate));
            } finally {
                delivery.message().release();
                settle(delivery, ackMode);
            }
        }
        return list;
    }

    private static void settle(Delivery delivery, AckMode ackMode) {
        switch (ackMode) {
            case ACK_REQUEUE_TRUE, REJECT_REQUEUE_TRUE -> delivery.subscription().requeue(delivery.entryId());
            case ACK_REQUEUE_FALSE -> delivery.subscription().settle(delivery.entryId());
            case REJECT_REQUEUE_FALSE -> delivery.subscription().discard(delivery.entryId());
        }
    }

    private static ObjectNode message(Delivery delivery, int messageCount, boolean base64, int truncate) {
        Message message = delivery.message();
        ByteBuf body = message.body();
        int length = Math.min(body.readableBytes(), truncate);
        byte[] bytes = new byte[length];
        body.getBytes(body.readerIndex(), bytes);
        ObjectNode node = Json.object()
                .put("payload_bytes", body.readableBytes())
                .put("redelivered", delivery.redelivered())
                .put("exchange", message.exchange())
                .put("routing_key", message.routingKey())
                .put("message_count", messageCount);
        node.set("properties", properties(message.properties()));
        return Payloads.put(node, bytes, base64);
    }

    /** The basic properties that are present, under RabbitMQ's JSON names. */
    static ObjectNode properties(MessageProperties properties) {
        ObjectNode node = Json.object();
        putIfPresent(node, "content_type", properties.contentType());
        putIfPresent(node, "content_encoding", properties.contentEncoding());
        if (properties.headers() != null) {
            node.set("headers", Json.table(properties.headers()));
        }
        putIfPresent(node, "delivery_mode", properties.deliveryMode());
        putIfPresent(node, "priority", properties.priority());
        putIfPresent(node, "correlation_id", properties.correlationId());
        putIfPresent(node, "reply_to", properties.replyTo());
        putIfPresent(node, "expiration", properties.expiration());
        putIfPresent(node, "message_id", properties.messageId());
        putIfPresent(node, "timestamp", properties.timestamp());
        putIfPresent(node, "type", properties.type());
        putIfPresent(node, "user_id", properties.userId());
        putIfPresent(node, "app_id", properties.appId());
        putIfPresent(node, "cluster_id", properties.clusterId());
        return node;
    }

    private static void putIfPresent(ObjectNode node, String name, Object value) {
        if (value != null) {
            node.set(name, Json.tableValue(value));
        }
    }
}
