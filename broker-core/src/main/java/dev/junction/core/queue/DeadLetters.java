package dev.junction.core.queue;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;

import java.util.ArrayList;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the message a queue dead-letters, with the {@code x-death} history as RabbitMQ writes it: one table per
 * (queue, reason), newest first, with count, reason, queue, time, exchange, routing-keys and, when the message
 * had a per-message TTL, original-expiration (the expiration itself is removed, so the message does not expire
 * again for the same reason). The body is shared with the original, never copied.
 */
final class DeadLetters {
    static final String X_DEATH = "x-death";

    private DeadLetters() {
    }

    static Message deadLettered(Message original, String queueName, DeadLetterReason reason,
                                String deadLetterExchange, String deadLetterRoutingKey) {
        MessageProperties properties = original.properties();
        Map<String, Object> headers = properties.headers() == null
                ? new LinkedHashMap<>() : new LinkedHashMap<>(properties.headers());
        List<Object> deaths = new ArrayList<>();
        if (headers.get(X_DEATH) instanceof List<?> previous) {
            deaths.addAll(previous);
        }
        Map<String, Object> death = findDeath(deaths, queueName, reason);
        if (death != null) {
            deaths.remove(death);
            death = new LinkedHashMap<>(death);
            death.put("count", ((Number) death.getOrDefault("count", 0L)).longValue() + 1);
            death.put("time", now());
        } else {
            death = new LinkedHashMap<>();
            death.put("count", 1L);
            death.put("reason", reason.headerValue());
            death.put("queue", queueName);
            death.put("time", now());
            death.put("exchange", original.exchange());
            death.put("routing-keys", List.of(original.routingKey()));
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
        String routingKey = deadLetterRoutingKey != null ? deadLetterRoutingKey : original.routingKey();
        return new Message(deadLetterExchange, routingKey,
                properties.withHeaders(headers).withExpiration(null), original.body().retainedDuplicate());
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> findDeath(List<Object> deaths, String queueName, DeadLetterReason reason) {
        for (Object entry : deaths) {
            if (entry instanceof Map<?, ?> death && queueName.equals(text(death.get("queue")))
                    && reason.headerValue().equals(text(death.get("reason")))) {
                return (Map<String, Object>) death;
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
