package dev.junction.core.queue;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.message.SenderSelected;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the message a queue dead-letters, with the {@code x-death} history as RabbitMQ writes it: one table per
 * (queue, reason), newest first, with count, reason, queue, time, exchange, routing-keys (the message's own and its
 * CC keys) and, when the message had a per-message TTL, original-expiration (the expiration itself is removed, so
 * the message does not expire again for the same reason); and the {@code x-first-death-*} and
 * {@code x-last-death-*} headers, then the queue's own {@code x-dead-letter-headers}, which replace any the message
 * carried under those names (they describe this death). The body is shared with the original, never copied.
 */
final class DeadLetters {
    static final String X_DEATH = "x-death";

    private DeadLetters() {
    }

    static Message deadLettered(Message original, String queueName, DeadLetterReason reason,
                                String deadLetterExchange, String deadLetterRoutingKey,
                                Map<String, Object> queueHeaders) {
        MessageProperties properties = original.properties();
        Map<String, Object> headers = properties.headers() == null
                ? new LinkedHashMap<>() : new LinkedHashMap<>(properties.headers());
        List<Map<String, Object>> deaths = headers.get(X_DEATH) instanceof List<?> previous
                ? onePerQueueAndReason(previous) : new ArrayList<>();
        Map<String, Object> death = findDeath(deaths, queueName, reason);
        if (death != null) {
            deaths.remove(death);
            death = new LinkedHashMap<>(death);
            death.put("count", count(death) + 1);
            death.put("time", now());
        } else {
            death = new LinkedHashMap<>();
            death.put("count", 1L);
            death.put("reason", reason.headerValue());
            death.put("queue", queueName);
            death.put("time", now());
            death.put("exchange", original.exchange());
            death.put("routing-keys", publishedKeys(original));
            if (properties.expiration() != null) {
                death.put("original-expiration", properties.expiration());
            }
        }
        deaths.add(0, death);
        headers.put(X_DEATH, deaths);
        headers.putIfAbsent("x-first-death-reason", reason.headerValue());
        headers.putIfAbsent("x-first-death-queue", queueName);
        headers.putIfAbsent("x-first-death-exchange", original.exchange());
        headers.put("x-last-death-reason", reason.headerValue());
        headers.put("x-last-death-queue", queueName);
        headers.put("x-last-death-exchange", original.exchange());
        headers.putAll(queueHeaders);
        MessageProperties deadProperties = properties.withHeaders(headers).withExpiration(null);
        String routingKey = original.routingKey();
        if (deadLetterRoutingKey != null) {
            // RabbitMQ: sent on under the queue's key only, so the copies the sender selected go too.
            routingKey = deadLetterRoutingKey;
            deadProperties = SenderSelected.withoutCopies(deadProperties);
        }
        return new Message(deadLetterExchange, routingKey, deadProperties, original.body().retainedDuplicate());
    }

    /** The keys the message was published with: its own and its CC keys (BCC ones were removed at publish). */
    private static List<String> publishedKeys(Message message) {
        List<String> cc = SenderSelected.ccKeys(message.properties());
        if (cc.isEmpty()) {
            return List.of(message.routingKey());
        }
        List<String> keys = new ArrayList<>(cc.size() + 1);
        keys.add(message.routingKey());
        keys.addAll(cc);
        return keys;
    }

    /**
     * The history with one entry per (queue, reason), in the order of their newest: brokers before RabbitMQ 3.5 (and
     * clients copying headers) wrote one entry per event, without a count; their number becomes the count.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> onePerQueueAndReason(List<?> previous) {
        Map<List<String>, Map<String, Object>> newest = new LinkedHashMap<>();
        Map<List<String>, Long> events = new HashMap<>();
        for (Object entry : previous) {
            if (entry instanceof Map<?, ?> death) {
                List<String> key = Arrays.asList(text(death.get("queue")), text(death.get("reason")));
                events.merge(key, 1L, Long::sum);
                newest.putIfAbsent(key, (Map<String, Object>) death);
            }
        }
        List<Map<String, Object>> grouped = new ArrayList<>(newest.size());
        newest.forEach((key, death) -> {
            if (death.get("count") instanceof Number) {
                grouped.add(death);
            } else {
                Map<String, Object> counted = new LinkedHashMap<>(death);
                counted.put("count", events.get(key));
                grouped.add(counted);
            }
        });
        return grouped;
    }

    private static long count(Map<String, Object> death) {
        return death.get("count") instanceof Number count ? count.longValue() : 1L;
    }

    /**
     * RabbitMQ drops a message that would go round a dead-letter cycle back to a queue it already died in, unless
     * a consumer rejected it somewhere on the way (a rejection means a client is in the loop, so it can end).
     */
    static boolean wouldCycle(Message message, String queueName, DeadLetterReason reason) {
        if (reason == DeadLetterReason.REJECTED || !(message.properties().header(X_DEATH) instanceof List<?> deaths)) {
            return false;
        }
        boolean diedHereBefore = false;
        for (Object entry : deaths) {
            if (entry instanceof Map<?, ?> death) {
                if (DeadLetterReason.REJECTED.headerValue().equals(text(death.get("reason")))) {
                    return false;
                }
                diedHereBefore |= queueName.equals(text(death.get("queue")));
            }
        }
        return diedHereBefore;
    }

    private static Map<String, Object> findDeath(List<Map<String, Object>> deaths, String queueName,
                                                 DeadLetterReason reason) {
        for (Map<String, Object> death : deaths) {
            if (queueName.equals(text(death.get("queue"))) && reason.headerValue().equals(text(death.get("reason")))) {
                return death;
            }
        }
        return null;
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** AMQP timestamps have whole seconds. */
    private static Instant now() {
        return Instant.ofEpochSecond(System.currentTimeMillis() / 1000);
    }
}
