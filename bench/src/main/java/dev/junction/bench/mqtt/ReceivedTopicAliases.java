package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.Publish;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * The topic aliases a broker sets towards an MQTT 5 subscriber (section 3.3.2.3.4): a PUBLISH with a topic and an
 * alias binds the alias to that topic, a later one with the empty topic and the alias stands for it. Used on the
 * connection's event loop.
 */
final class ReceivedTopicAliases {
    /** The Topic Alias Maximum a subscriber that accepts aliases declares in its CONNECT. */
    static final int DECLARED_MAXIMUM = 1024;

    private final int maximum;
    private String[] topics = new String[0];

    /** @param maximum the Topic Alias Maximum this client declared; 0: the broker must send none */
    ReceivedTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    /** @return the PUBLISH's topic, through its alias if it has one; null if it breaks the rules of aliases */
    String topicOf(Publish publish) {
        OptionalInt property = publish.properties().topicAlias();
        if (property.isEmpty()) {
            return publish.topic().isEmpty() ? null : publish.topic();
        }
        int alias = property.getAsInt();
        if (alias < 1 || alias > maximum) {
            return null;
        }
        if (!publish.topic().isEmpty()) {
            if (alias >= topics.length) {
                topics = Arrays.copyOf(topics, Math.min(maximum, Math.max(alias, 2 * topics.length)) + 1);
            }
            topics[alias] = publish.topic();
            return publish.topic();
        }
        return alias < topics.length ? topics[alias] : null;
    }
}
