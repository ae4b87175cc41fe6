package dev.junction.core.vhost;

import dev.junction.core.Arguments;
import dev.junction.core.BrokerException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A RabbitMQ-style policy: limits laid over every queue of a vhost whose name matches {@code pattern} (a regular
 * expression found anywhere in the name, as RabbitMQ matches), the highest {@code priority} winning when several
 * match, one policy per queue. Only the definition keys the core can change on a live queue are accepted (see
 * {@link #QUEUE_ARGUMENTS}); a queue's own declared argument takes precedence over the policy's key.
 */
public final class Policy {

    /** What a policy applies to; {@code exchanges} is refused until a definition key concerns exchanges. */
    public enum ApplyTo {
        QUEUES("queues"), ALL("all");

        private final String wireName;

        ApplyTo(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static ApplyTo parse(String value) {
            for (ApplyTo applyTo : values()) {
                if (applyTo.wireName.equals(value)) {
                    return applyTo;
                }
            }
            throw BrokerException.preconditionFailed("apply-to '" + value + "' is not supported (queues or all; "
                    + "no policy key concerns exchanges yet)");
        }
    }

    /** Definition keys accepted, each with the queue argument it stands for. */
    public static final Map<String, String> QUEUE_ARGUMENTS = Map.of(
            "max-length", "x-max-length",
            "max-length-bytes", "x-max-length-bytes",
            "overflow", "x-overflow",
            "dead-letter-exchange", "x-dead-letter-exchange",
            "dead-letter-routing-key", "x-dead-letter-routing-key");

    private final String name;
    private final Pattern pattern;
    private final ApplyTo applyTo;
    private final int priority;
    private final Map<String, Object> definition;

    /** Refused (PRECONDITION_FAILED) for a pattern that is no regular expression or an unsupported key. */
    public Policy(String name, String pattern, ApplyTo applyTo, int priority, Map<String, Object> definition) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(applyTo, "apply-to");
        if (name.isEmpty()) {
            throw BrokerException.preconditionFailed("a policy needs a name");
        }
        if (pattern == null) {
            throw BrokerException.preconditionFailed("policy '" + name + "' needs a pattern");
        }
        this.pattern = compile(name, pattern);
        if (definition == null || definition.isEmpty()) {
            throw BrokerException.preconditionFailed("policy '" + name + "' needs a non-empty definition");
        }
        for (String key : definition.keySet()) {
            if (!QUEUE_ARGUMENTS.containsKey(key)) {
                throw BrokerException.preconditionFailed("policy '" + name + "': definition key '" + key
                        + "' is not supported (supported: " + String.join(", ", QUEUE_ARGUMENTS.keySet()) + ")");
            }
            if (definition.get(key) == null) {
                throw BrokerException.preconditionFailed("policy '" + name + "': definition key '" + key
                        + "' has no value");
            }
        }
        this.name = name;
        this.applyTo = applyTo;
        this.priority = priority;
        this.definition = Arguments.checkedCopyOf(definition);
    }

    public String name() {
        return name;
    }

    public String pattern() {
        return pattern.pattern();
    }

    public ApplyTo applyTo() {
        return applyTo;
    }

    public int priority() {
        return priority;
    }

    /** The keys and values as given, RabbitMQ's names ({@code max-length}, ...). */
    public Map<String, Object> definition() {
        return definition;
    }

    private static Pattern compile(String name, String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException invalid) {
            throw BrokerException.preconditionFailed("policy '" + name + "': pattern '" + pattern
                    + "' is not a regular expression: " + invalid.getDescription());
        }
    }

    boolean matches(String queueName) {
        return pattern.matcher(queueName).find();
    }

    /**
     * The queue arguments this policy sets on a queue declared with {@code declared}: its definition as
     * arguments, less those the queue declares itself (RabbitMQ lets the queue's own arguments win for these keys).
     */
    Map<String, Object> overridesFor(Map<String, Object> declared) {
        Map<String, Object> overrides = new LinkedHashMap<>();
        definition.forEach((key, value) -> {
            String argument = QUEUE_ARGUMENTS.get(key);
            if (!declared.containsKey(argument)) {
                overrides.put(argument, value);
            }
        });
        return overrides;
    }
}
