package dev.junction.server.acl;

import dev.junction.core.topic.TopicSyntax;

import java.util.List;

/**
 * The ACL of one client after substitution, split by what each line grants so that a check is a scan of plain
 * topic filters that allocates nothing. As in Mosquitto, {@code deny} lines are consulted first, and anything no
 * line grants is refused.
 */
public final class ClientAcl {
    /** No ACL file: everything is allowed. */
    public static final ClientAcl ALLOW_ALL = new ClientAcl(true, new String[0], new String[0], new String[0]);

    private final boolean allowAll;
    private final String[] denied;
    private final String[] readable;
    private final String[] writable;

    private ClientAcl(boolean allowAll, String[] denied, String[] readable, String[] writable) {
        this.allowAll = allowAll;
        this.denied = denied;
        this.readable = readable;
        this.writable = writable;
    }

    static ClientAcl of(List<AclEntry> entries) {
        return new ClientAcl(false,
                filters(entries.stream().filter(entry -> entry.access() == AclAccess.DENY).toList()),
                filters(entries.stream().filter(entry -> entry.access().grantsRead()).toList()),
                filters(entries.stream().filter(entry -> entry.access().grantsWrite()).toList()));
    }

    private static String[] filters(List<AclEntry> entries) {
        return entries.stream().map(AclEntry::topicFilter).toArray(String[]::new);
    }

    /** Whether the client may publish to this topic name. */
    public boolean canPublish(String topicName) {
        return allowAll || !matchesAny(denied, topicName) && matchesAny(writable, topicName);
    }

    /** Whether a message on this topic name may be delivered to the client (also a retained one). */
    public boolean canRead(String topicName) {
        return allowAll || !matchesAny(denied, topicName) && matchesAny(readable, topicName);
    }

    /**
     * Whether the client may subscribe to this filter: a line must cover it entirely (every topic the filter
     * matches, the line matches too), Mosquitto's {@code mosquitto_sub_matches_acl}. A filter wider than a deny line
     * is granted; what the deny line covers is then withheld at delivery by {@link #canRead(String)}.
     */
    public boolean canSubscribe(String filter) {
        return allowAll || !coversAny(denied, filter) && coversAny(readable, filter);
    }

    private static boolean matchesAny(String[] filters, String topicName) {
        for (String filter : filters) {
            if (TopicSyntax.MQTT.matches(filter, topicName)) {
                return true;
            }
        }
        return false;
    }

    private static boolean coversAny(String[] aclFilters, String filter) {
        for (String aclFilter : aclFilters) {
            if (TopicSyntax.MQTT.covers(aclFilter, filter)) {
                return true;
            }
        }
        return false;
    }
}
