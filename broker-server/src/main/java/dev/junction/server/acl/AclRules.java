package dev.junction.server.acl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What one ACL file says, ready to be resolved for each client. Immutable. */
public final class AclRules {
    private final List<AclEntry> anonymous;
    private final Map<String, List<AclEntry>> byUser;
    private final List<AclEntry> patterns;

    AclRules(List<AclEntry> anonymous, Map<String, List<AclEntry>> byUser, List<AclEntry> patterns) {
        this.anonymous = List.copyOf(anonymous);
        this.byUser = Map.copyOf(byUser);
        this.patterns = List.copyOf(patterns);
    }

    /**
     * The rules for one client: its user's {@code topic} lines (the anonymous ones without a user name), then every
     * {@code pattern} with {@code %u} and {@code %c} replaced. As in Mosquitto, a pattern naming {@code %u} does not
     * apply to a client without a user name, and no pattern applies to a client whose user name or client id
     * contains {@code +}, {@code #} or {@code /}: substituted, they would widen the pattern.
     *
     * @param user null for an anonymous client
     */
    public ClientAcl resolve(String user, String clientId) {
        List<AclEntry> applicable = new ArrayList<>(user == null ? anonymous : byUser.getOrDefault(user, List.of()));
        boolean safeIdentity = !hasTopicSyntax(clientId) && (user == null || !hasTopicSyntax(user));
        if (safeIdentity) {
            for (AclEntry pattern : patterns) {
                String topic = pattern.topicFilter();
                if (user == null && isSubstituted(topic, "%u")) {
                    continue;
                }
                applicable.add(new AclEntry(pattern.access(), substitute(topic, user, clientId), pattern.line()));
            }
        }
        return ClientAcl.of(applicable);
    }

    private static boolean hasTopicSyntax(String name) {
        return name.indexOf('+') >= 0 || name.indexOf('#') >= 0 || name.indexOf('/') >= 0;
    }

    private static boolean isSubstituted(String topic, String variable) {
        for (String level : topic.split("/", -1)) {
            if (level.equals(variable)) {
                return true;
            }
        }
        return false;
    }

    private static String substitute(String topic, String user, String clientId) {
        String[] levels = topic.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("%c")) {
                levels[i] = clientId;
            } else if (levels[i].equals("%u")) {
                levels[i] = user;
            }
        }
        return String.join("/", levels);
    }
}
