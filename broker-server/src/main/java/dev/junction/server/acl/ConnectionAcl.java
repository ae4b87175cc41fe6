package dev.junction.server.acl;

import java.util.HashSet;
import java.util.Set;

/**
 * The ACL as one connection sees it: resolved once for its user and client id, again only when the file has been
 * reloaded, so that a check costs a volatile read and a scan. Used on the connection's event loop only.
 */
public final class ConnectionAcl {
    /** Refusals are logged once per topic; past this many topics a connection's refusals are no longer logged. */
    private static final int LOGGED_TOPICS_MAX = 100;

    private final MqttAcl acl;
    private final String user;
    private final String clientId;
    private AclRules resolvedFrom;
    private ClientAcl resolved;
    private final Set<String> refusalsLogged = new HashSet<>();

    ConnectionAcl(MqttAcl acl, String user, String clientId) {
        this.acl = acl;
        this.user = user;
        this.clientId = clientId;
    }

    public boolean canPublish(String topicName) {
        return current().canPublish(topicName);
    }

    public boolean canRead(String topicName) {
        return current().canRead(topicName);
    }

    public boolean canSubscribe(String filter) {
        return current().canSubscribe(filter);
    }

    public MqttAcl.DenyAction denyAction() {
        return acl.denyAction();
    }

    /** True the first time a refusal on this topic is reported by this connection: the caller logs it. */
    public boolean firstRefusal(String topic) {
        return refusalsLogged.size() < LOGGED_TOPICS_MAX && refusalsLogged.add(topic);
    }

    private ClientAcl current() {
        AclRules rules = acl.rules();
        if (rules == null) {
            return ClientAcl.ALLOW_ALL;
        }
        if (rules != resolvedFrom) {
            resolved = rules.resolve(user, clientId);
            resolvedFrom = rules;
        }
        return resolved;
    }
}
