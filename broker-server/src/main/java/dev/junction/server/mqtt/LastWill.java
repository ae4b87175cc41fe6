package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.Connect;
import dev.junction.server.acl.ConnectionAcl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's Will Message, published when the connection ends other than by a normal DISCONNECT [MQTT-3.1.2-8],
 * for an MQTT 5 client possibly later: after its Will Delay Interval, or when its session ends if that comes first
 * [MQTT-3.1.3-9]. Published as its client would publish it: within the client's write ACL, never on {@code $SYS}.
 */
final class LastWill {
    private static final Logger log = LoggerFactory.getLogger(LastWill.class);
    private static final String SYS_PREFIX = "$SYS";

    private final Connect.Will will;
    private final String clientId;
    private final ConnectionAcl acl;
    private final MqttPublisher publisher;

    LastWill(Connect.Will will, String clientId, ConnectionAcl acl, MqttPublisher publisher) {
        this.will = will;
        this.clientId = clientId;
        this.acl = acl;
        this.publisher = publisher;
    }

    /** The Will Delay Interval in seconds; 0 when absent (and always for MQTT 3.1.1). */
    long delaySeconds() {
        return will.properties().willDelayInterval().orElse(0);
    }

    void publish() {
        if (allowed()) {
            recorded(0).publish(clientId, publisher);
        }
    }

    /**
     * The will as a persistent session records it while it waits, due at {@code dueAtMillis}; null if it is not
     * to be published at all.
     */
    PendingWill pending(long dueAtMillis) {
        return allowed() ? recorded(dueAtMillis) : null;
    }

    private PendingWill recorded(long dueAtMillis) {
        // The will's properties travel as a PUBLISH's would (section 3.1.3.2); the Will Delay Interval, which is no
        // PUBLISH property, is not mapped.
        return new PendingWill(will.topic(), will.qos().value(), will.retain(), will.payload(),
                MqttPublisher.coreProperties(will.qos().value(), will.retain(), will.properties()), dueAtMillis);
    }

    private boolean allowed() {
        if (will.topic().startsWith(SYS_PREFIX)) {
            return false;
        }
        if (!acl.canPublish(will.topic())) {
            log.info("Client '{}': will on '{}' denied by the ACL; not published", clientId, will.topic());
            return false;
        }
        return true;
    }
}
