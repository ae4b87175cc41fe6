package dev.junction.core.topic;

import java.util.Objects;

/**
 * How topic filters and topic names are written in one protocol (the level separator and the two wildcards), and
 * the one definition of their rules: which names and filters are valid, whether a filter matches a name (with
 * [MQTT-4.7.2-1], the {@code $} rule), and whether one filter covers another. {@link TopicTrie} indexes filters by
 * these rules; the protocol handlers, the retained-message store and the MQTT ACLs call them for single filters.
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
    public String invalidFilterReason(String filter) {
        Objects.requireNonNull(filter, "filter");
        // Any string is an AMQP binding key: '*' and '#' are wildcards only as whole words, literal otherwise.
        return this == MQTT ? mqttFilterProblem(filter) : null;
    }

    public boolean isValidTopicName(String name) {
        return invalidTopicNameReason(name) == null;
    }

    /**
     * Why {@code name} cannot be the topic of a PUBLISH (an MQTT topic name or an AMQP routing key), or null. Any
     * string is an AMQP routing key; an MQTT topic name is not empty and has no wildcard and no U+0000.
     */
    public String invalidTopicNameReason(String name) {
        Objects.requireNonNull(name, "name");
        if (this == AMQP) {
            return null;
        }
        if (name.isEmpty()) {
            return "an MQTT topic name must be at least one character long [MQTT-4.7.3-1]";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == singleLevelWildcard || c == multiLevelWildcard) {
                return "an MQTT topic name must not contain wildcard characters [MQTT-3.3.2-2]";
            }
            if (c == '\u0000') {
                return "an MQTT topic name must not contain the null character U+0000 [MQTT-4.7.3-2]";
            }
        }
        return null;
    }

    /** Whether a filter holds a wildcard level, so that it can match more than the one name spelled like it. */
    public boolean hasWildcard(String filter) {
        for (int from = firstLevelStart(filter); from <= filter.length(); ) {
            int end = levelEnd(filter, from);
            if (isSingleLevelWildcard(filter, from, end) || isMultiLevelWildcard(filter, from, end)) {
                return true;
            }
            from = end + 1;
        }
        return false;
    }

    /**
     * Whether the valid {@code filter} matches the valid topic name {@code topic}, by the rules {@link TopicTrie}
     * indexes. For one filter (an ACL line, a retained-message lookup); allocates nothing.
     */
    public boolean matches(String filter, String topic) {
        if (hidesFirstLevelFromWildcards(topic)) {
            int end = levelEnd(filter, 0);
            if (isSingleLevelWildcard(filter, 0, end) || isMultiLevelWildcard(filter, 0, end)) {
                return false;
            }
        }
        return matchesFrom(filter, firstLevelStart(filter), topic, firstLevelStart(topic));
    }

    /** {@code from > text.length()} means no level is left. */
    private boolean matchesFrom(String filter, int filterFrom, String topic, int topicFrom) {
        while (filterFrom <= filter.length()) {
            int filterEnd = levelEnd(filter, filterFrom);
            if (isMultiLevelWildcard(filter, filterFrom, filterEnd)) {
                // '#' swallows zero, one, ... all of the remaining levels (AMQP allows more after it).
                for (int position = topicFrom; ; position = levelEnd(topic, position) + 1) {
                    if (matchesFrom(filter, filterEnd + 1, topic, position)) {
                        return true;
                    }
                    if (position > topic.length()) {
                        return false;
                    }
                }
            }
            if (topicFrom > topic.length()) {
                return false;
            }
            int topicEnd = levelEnd(topic, topicFrom);
            if (!isSingleLevelWildcard(filter, filterFrom, filterEnd) && (filterEnd - filterFrom != topicEnd - topicFrom
                    || !filter.regionMatches(filterFrom, topic, topicFrom, filterEnd - filterFrom))) {
                return false;
            }
            filterFrom = filterEnd + 1;
            topicFrom = topicEnd + 1;
        }
        return topicFrom > topic.length();
    }

    /**
     * Whether every topic name the valid MQTT filter {@code narrower} matches is matched by the valid MQTT filter
     * {@code wider}, as Mosquitto decides whether an ACL line allows a subscription. Allocates nothing.
     */
    public boolean covers(String wider, String narrower) {
        if (this != MQTT) {
            throw new UnsupportedOperationException("covers is defined for MQTT filters only");
        }
        // [MQTT-4.7.2-1]: a first-level wildcard reaches no '$' topic, so it covers no filter naming one.
        if (!narrower.isEmpty() && narrower.charAt(0) == '$') {
            int end = levelEnd(wider, 0);
            if (isSingleLevelWildcard(wider, 0, end) || isMultiLevelWildcard(wider, 0, end)) {
                return false;
            }
        }
        int w = 0;
        int n = 0;
        while (true) {
            int widerEnd = levelEnd(wider, w);
            int narrowerEnd = levelEnd(narrower, n);
            if (isMultiLevelWildcard(wider, w, widerEnd)) {
                return true;
            }
            if (isSingleLevelWildcard(wider, w, widerEnd)) {
                if (isMultiLevelWildcard(narrower, n, narrowerEnd)) {
                    return false;
                }
            } else if (narrowerEnd - n != widerEnd - w || !narrower.regionMatches(n, wider, w, widerEnd - w)) {
                // A literal level covers only the same literal: '+' or '#' in the narrower filter are wider.
                return false;
            }
            boolean widerDone = widerEnd >= wider.length();
            boolean narrowerDone = narrowerEnd >= narrower.length();
            if (widerDone || narrowerDone) {
                // "a/#" covers "a" too: the wider filter's one remaining level is '#'.
                return widerDone && narrowerDone || narrowerDone && widerEnd + 2 == wider.length()
                        && isMultiLevelWildcard(wider, widerEnd + 1, wider.length());
            }
            w = widerEnd + 1;
            n = narrowerEnd + 1;
        }
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
