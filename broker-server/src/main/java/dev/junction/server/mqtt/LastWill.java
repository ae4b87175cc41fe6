package dev.junction.server.mqtt;

import dev.junction.core.BrokerException;
import dev.junction.core.store.StoreListener;
import dev.junction.mqtt.codec.Connect;
import dev.junction.server.acl.ConnectionAcl;
import io.netty.buffer.Unpooled;
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
        if (will.topic().startsWith(SYS_PREFIX)) {
            return;
        }
        if (!acl.canPublish(will.topic())) {
            log.info("Client '{}': will on '{}' denied by the ACL; not published", clientId, will.topic());
            return;
        }
        try {
            // The will's properties travel as a PUBLISH's would (section 3.1.3.2); the Will Delay Interval, which is
            // no PUBLISH property, is not mapped.
            publisher.publish(clientId, will.topic(), will.qos().value(), will.retain(),
                    Unpooled.wrappedBuffer(will.payload()), will.properties(), StoreListener.NONE);
        } catch (BrokerException e) {
            log.warn("Client '{}': will on '{}' not published: {}", clientId, will.topic(), e.getMessage());
        }
    }
}
