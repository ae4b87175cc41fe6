package dev.junction.core.queue;

import dev.junction.core.BrokerException;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The queue behaviours selected by declaration arguments, parsed and checked once at declaration. The argument
 * names are RabbitMQ's because that is what clients send (but Junction's own {@code x-flow-high-watermark}: see
 * {@link FlowLimits}, and {@code x-consumer-selection}: see {@link ConsumerSelection}); the core only ever sees the
 * parsed values.
 * Absent limits are null; arguments the core does not know are kept in the settings and otherwise ignored, as
 * RabbitMQ does.
 *
 * <p>{@code x-dead-letter-headers} is Junction's own: a table of headers written into every message the queue
 * dead-letters, after the {@code x-death} ones (a protocol handler names the queue's owner there, so that a consumer
 * of dead letters need not parse queue names).
 */
public record QueueArguments(
        Long messageTtlMillis,
        Long expiresMillis,
        Long maxLength,
        Long maxLengthBytes,
        Overflow overflow,
        String deadLetterExchange,
        String deadLetterRoutingKey,
        int maxPriority,
        boolean singleActiveConsumer,
        Long flowHighWatermark,
        Map<String, Object> deadLetterHeaders,
        ConsumerSelection consumerSelection) {

    public static final QueueArguments NONE =
            new QueueArguments(null, null, null, null, Overflow.DROP_HEAD, null, null, 0, false, null, Map.of(),
                    ConsumerSelection.ROUND_ROBIN);

    /**
     * The arguments that may change on a live queue ({@link dev.junction.core.vhost.VirtualHost#overrideLimits}):
     * those a queue applies to each message as it arrives or is dropped, so a new value takes effect at once.
     */
    public static final Set<String> LIMITS = Set.of("x-max-length", "x-max-length-bytes", "x-overflow",
            "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-headers");

    /**
     * The declared arguments with the overrides laid over them: an override replaces the declared value of its
     * name, and a void (null) override removes it.
     */
    public static Map<String, Object> overridden(Map<String, Object> declared, Map<String, Object> overrides) {
        if (overrides.isEmpty()) {
            return declared;
        }
        Map<String, Object> effective = new LinkedHashMap<>(declared);
        overrides.forEach((name, value) -> {
            if (value == null) {
                effective.remove(name);
            } else {
                effective.put(name, value);
            }
        });
        return effective;
    }

    /** The largest x-max-priority RabbitMQ accepts. */
    public static final int PRIORITY_LIMIT = 255;

    /** Parses declaration arguments, refusing bad values with PRECONDITION_FAILED worded as RabbitMQ words it. */
    public static QueueArguments parse(String queue, String vhost, Map<String, Object> arguments) {
        if (arguments.isEmpty()) {
            return NONE;
        }
        Parser parser = new Parser(queue, vhost, arguments);
        Long expires = parser.nonNegativeInteger("x-expires");
        if (expires != null && expires == 0) {
            throw parser.invalid("x-expires", "{value_zero,0}");
        }
        Long maxPriority = parser.nonNegativeInteger("x-max-priority");
        if (maxPriority != null && maxPriority > PRIORITY_LIMIT) {
            throw parser.invalid("x-max-priority", "{value_too_large," + maxPriority + "," + PRIORITY_LIMIT + "}");
        }
        String overflowName = parser.string("x-overflow");
        Overflow overflow = overflowName == null ? Overflow.DROP_HEAD : Overflow.fromArgument(overflowName);
        if (overflow == null) {
            throw parser.invalid("x-overflow", "{unknown_overflow_type," + overflowName + "}");
        }
        String deadLetterExchange = parser.string("x-dead-letter-exchange");
        String deadLetterRoutingKey = parser.string("x-dead-letter-routing-key");
        if (deadLetterRoutingKey != null && deadLetterExchange == null) {
            throw parser.invalid("x-dead-letter-routing-key", "{dead_letter_exchange_missing}");
        }
        Boolean singleActiveConsumer = parser.bool("x-single-active-consumer");
        String selectionName = parser.string(ConsumerSelection.ARGUMENT);
        ConsumerSelection selection = selectionName == null ? ConsumerSelection.ROUND_ROBIN
                : ConsumerSelection.fromArgument(selectionName);
        if (selection == null) {
            throw parser.invalid(ConsumerSelection.ARGUMENT, "{unknown_consumer_selection," + selectionName + "}");
        }
        return new QueueArguments(
                parser.nonNegativeInteger("x-message-ttl"),
                expires,
                parser.nonNegativeInteger("x-max-length"),
                parser.nonNegativeInteger("x-max-length-bytes"),
                overflow,
                deadLetterExchange,
                deadLetterRoutingKey,
                maxPriority == null ? 0 : maxPriority.intValue(),
                singleActiveConsumer != null && singleActiveConsumer,
                parser.nonNegativeInteger("x-flow-high-watermark"),
                parser.table("x-dead-letter-headers"),
                selection);
    }

    private record Parser(String queue, String vhost, Map<String, Object> arguments) {
        Long nonNegativeInteger(String name) {
            Object value = arguments.get(name);
            if (value == null) {
                return null;
            }
            if (!(value instanceof Long || value instanceof Integer || value instanceof Short
                    || value instanceof Byte)) {
                throw unacceptableType(name, value);
            }
            long number = ((Number) value).longValue();
            if (number < 0) {
                throw invalid(name, "{value_negative," + number + "}");
            }
            return number;
        }

        String string(String name) {
            Object value = arguments.get(name);
            if (value == null) {
                return null;
            }
            if (value instanceof byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            if (value instanceof CharSequence text) {
                return text.toString();
            }
            throw unacceptableType(name, value);
        }

        Map<String, Object> table(String name) {
            Object value = arguments.get(name);
            if (value == null) {
                return Map.of();
            }
            if (value instanceof Map<?, ?> table) {
                Map<String, Object> copy = new LinkedHashMap<>();
                table.forEach((key, entry) -> copy.put(String.valueOf(key), entry));
                return Collections.unmodifiableMap(copy);
            }
            throw unacceptableType(name, value);
        }

        Boolean bool(String name) {
            Object value = arguments.get(name);
            if (value == null) {
                return null;
            }
            if (value instanceof Boolean flag) {
                return flag;
            }
            throw unacceptableType(name, value);
        }

        BrokerException unacceptableType(String name, Object value) {
            return invalid(name, "{unacceptable_type," + value.getClass().getSimpleName() + "}");
        }

        BrokerException invalid(String name, String reason) {
            return BrokerException.preconditionFailed("invalid arg '" + name + "' for queue '" + queue
                    + "' in vhost '" + vhost + "': " + reason);
        }
    }
}
