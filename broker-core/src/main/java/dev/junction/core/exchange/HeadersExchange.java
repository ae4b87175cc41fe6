package dev.junction.core.exchange;

import dev.junction.core.Arguments;
import dev.junction.core.BrokerException;
import dev.junction.core.message.Message;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Routes by comparing message headers with binding arguments, as RabbitMQ does: {@code x-match} is {@code all}
 * (the default) or {@code any}, and their {@code -with-x} forms also compare arguments whose names start with
 * {@code x-}, which the plain forms skip. An argument with no value (AMQP void) matches a header of that name
 * whatever its value.
 */
public final class HeadersExchange extends Exchange {
    private static final Binding[] NONE = new Binding[0];
    private static final String MATCH = "x-match";
    private static final Set<String> MATCH_MODES = Set.of("all", "any", "all-with-x", "any-with-x");

    private volatile Binding[] bindings = NONE;

    public HeadersExchange(String name, ExchangeSettings settings) {
        super(name, settings);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.HEADERS;
    }

    @Override
    protected void routeToBindings(Message message, RouteCollector collector) {
        Map<String, Object> headers = message.properties().headers();
        for (Binding binding : bindings) {
            if (matches(binding.arguments(), headers)) {
                binding.destination().accept(message, collector);
            }
        }
    }

    /** RabbitMQ's check, with its words: {@code x-match}, when given, is a string naming one of the four modes. */
    @Override
    protected void checkBinding(Binding binding) {
        Map<String, Object> arguments = binding.arguments();
        if (!arguments.containsKey(MATCH)) {
            return;
        }
        Object mode = arguments.get(MATCH);
        String type = Arguments.typeName(mode);
        if (!type.equals("longstr")) {
            throw BrokerException.preconditionFailed("Invalid x-match field type " + type + " (value " + mode
                    + "); expected longstr");
        }
        if (!MATCH_MODES.contains(mode.toString())) {
            throw BrokerException.preconditionFailed("Invalid x-match field value <<\"" + mode
                    + "\">>; expected all, any, all-with-x, or any-with-x");
        }
    }

    static boolean matches(Map<String, Object> arguments, Map<String, Object> headers) {
        String mode = String.valueOf(arguments.getOrDefault(MATCH, "all"));
        boolean any = mode.startsWith("any");
        boolean compareX = mode.endsWith("-with-x");
        for (Map.Entry<String, Object> argument : arguments.entrySet()) {
            String key = argument.getKey();
            if (key.equals(MATCH) || (!compareX && key.startsWith("x-"))) {
                continue;
            }
            boolean hit = headers != null && headers.containsKey(key)
                    && (argument.getValue() == null || Arguments.sameValue(argument.getValue(), headers.get(key)));
            if (any && hit) {
                return true;
            }
            if (!any && !hit) {
                return false;
            }
        }
        // "all" holds when no condition failed; "any" needed a hit and found none.
        return !any;
    }

    @Override
    protected void indexBinding(Binding binding) {
        Binding[] current = bindings;
        Binding[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = binding;
        bindings = next;
    }

    @Override
    protected void unindexBinding(Binding binding) {
        bindings = Arrays.stream(bindings).filter(b -> !b.equals(binding)).toArray(Binding[]::new);
    }
}
