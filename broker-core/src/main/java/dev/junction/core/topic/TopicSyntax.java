package dev.junction.core.topic;

import java.util.Objects;

/**
 * How topic filters and topic names are written in one protocol: the level separator and the two wildcards.
 */
public enum TopicSyntax {
    /** AMQP 0-9-1 topic exchange: words separated by '.', '*' one word, '#' zero or more words. */
    AMQP('.', '*', '#'),
    /** MQTT 3.1.1: levels separated by '/', '+' one level, '#' zero or more levels and only as the last level. */
    MQTT('/', '+', '#');

    private final char separator;
    private final char singleLevelWildcard;
    private final char multiLevelWildcard;

    TopicSyntax(char separator, char singleLevelWildcard, char multiLevelWildcard) {
        this.separator = separator;
        this.singleLevelWildcard = singleLevelWildcard;
        this.multiLevelWildcard = multiLevelWildcard;
    }

    public boolean isValidFilter(String filter) {
        return invalidFilterReason(filter) == null;
    }

    /** Why {@code filter} breaks this syntax's rules, or null when it is valid. */
    String invalidFilterReason(String filter) {
        Objects.requireNonNull(filter, "filter");
        // Any string is an AMQP binding key: '*' and '#' are wildcards only as whole words, literal otherwise.
        return this == MQTT ? mqttFilterProblem(filter) : null;
    }

    private String mqttFilterProblem(String filter) {
        if (filter.isEmpty()) {
            return "an MQTT topic filter must be at least one character long [MQTT-4.7.3-1]";
        }
        int levelStart = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == separator) {
                levelStart = i + 1;
            } else if (c == '\u0000') {
                return "an MQTT topic filter must not contain the null character U+0000 [MQTT-4.7.3-2]";
            } else if (c == multiLevelWildcard && (i != levelStart || i != filter.length() - 1)) {
                return "'#' must be the last character of an MQTT topic filter and occupy a whole level [MQTT-4.7.1-2]";
            } else if (c == singleLevelWildcard && (i != levelStart || !endsLevel(filter, i))) {
                return "'+' must occupy an entire level of an MQTT topic filter [MQTT-4.7.1-3]";
            }
        }
        return null;
    }

    private boolean endsLevel(String text, int index) {
        return index + 1 == text.length() || text.charAt(index + 1) == separator;
    }

    /**
     * Index where the first level starts, or {@code text.length() + 1} when the text has no level at all: an empty
     * AMQP routing key or binding key is zero words, while an MQTT name always has at least one (possibly empty) level.
     */
    int firstLevelStart(String text) {
        return this == AMQP && text.isEmpty() ? 1 : 0;
    }

    /** Exclusive end of the level starting at {@code from}; the next level, if any, starts one past it. */
    int levelEnd(String text, int from) {
        int end = text.indexOf(separator, from);
        return end < 0 ? text.length() : end;
    }

    /** [MQTT-4.7.2-1]: wildcards in a filter's first level do not match topic names starting with '$'. */
    boolean hidesFirstLevelFromWildcards(String topic) {
        return this == MQTT && !topic.isEmpty() && topic.charAt(0) == '$';
    }

    boolean isSingleLevelWildcard(String text, int from, int end) {
        return end - from == 1 && text.charAt(from) == singleLevelWildcard;
    }

    boolean isMultiLevelWildcard(String text, int from, int end) {
        return end - from == 1 && text.charAt(from) == multiLevelWildcard;
    }
}
