package dev.junction.core.topic;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** Obviously correct, slow matcher straight from the rules: split both strings and recurse level by level. */
final class ReferenceMatcher {
    private static final Pattern AMQP_SEPARATOR = Pattern.compile(Pattern.quote("."));
    private static final Pattern MQTT_SEPARATOR = Pattern.compile(Pattern.quote("/"));

    private ReferenceMatcher() {
    }

    static boolean matches(TopicSyntax syntax, String filter, String topic) {
        List<String> filterLevels = levels(syntax, filter);
        List<String> topicLevels = levels(syntax, topic);
        String single = syntax == TopicSyntax.AMQP ? "*" : "+";
        if (syntax == TopicSyntax.MQTT && topic.startsWith("$")
                && (filterLevels.get(0).equals(single) || filterLevels.get(0).equals("#"))) {
            return false;
        }
        return matches(filterLevels, 0, topicLevels, 0, single);
    }

    private static boolean matches(List<String> filter, int f, List<String> topic, int t, String single) {
        if (f == filter.size()) {
            return t == topic.size();
        }
        if (filter.get(f).equals("#")) {
            for (int swallowed = 0; t + swallowed <= topic.size(); swallowed++) {
                if (matches(filter, f + 1, topic, t + swallowed, single)) {
                    return true;
                }
            }
            return false;
        }
        if (t == topic.size()) {
            return false;
        }
        boolean levelMatches = filter.get(f).equals(single) || filter.get(f).equals(topic.get(t));
        return levelMatches && matches(filter, f + 1, topic, t + 1, single);
    }

    /** AMQP: the empty string is zero words. MQTT: always at least one level. */
    static List<String> levels(TopicSyntax syntax, String text) {
        if (syntax == TopicSyntax.AMQP && text.isEmpty()) {
            return List.of();
        }
        return Arrays.asList((syntax == TopicSyntax.AMQP ? AMQP_SEPARATOR : MQTT_SEPARATOR).split(text, -1));
    }
}
