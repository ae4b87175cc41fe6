package dev.junction.server.mqtt;

import dev.junction.core.topic.SharedSubscription;
import dev.junction.core.topic.TopicSyntax;
import dev.junction.mqtt.codec.MqttEncoder;
import dev.junction.mqtt.codec.MqttPacket;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.UnsubAck;
import dev.junction.mqtt.codec.Unsubscribe;
import dev.junction.server.acl.ConnectionAcl;
import dev.junction.server.limits.ConnectionLimits;
import dev.junction.server.limits.Limit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * SUBSCRIBE and UNSUBSCRIBE of one connection, each filter handled as if it came in a packet of its own
 * [MQTT-3.8.4-5, MQTT-3.10.4-6] and answered with one reason code, in order [MQTT-3.9.3-1, MQTT-3.11.3-1]. MQTT 5
 * adds the subscription options and identifier (kept with the subscription), the failure reasons (0x87 ACL, 0x97
 * the subscription limit, 0x8F a filter that is no valid topic filter, 0x83 a refusal by the core), UNSUBACK's
 * 0x11, and one reason string, if the client did not refuse problem information; an MQTT 3.1.1 client sees every
 * failure as 0x80 (the encoder's doing) and has any malformed filter end its connection before it gets here
 * ({@link PacketTopicRules}). Owned by the connection's event loop.
 */
final class SubscriptionRequests {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionRequests.class);

    private final String clientId;
    private final MqttSession session;
    private final ConnectionAcl acl;
    private final ConnectionLimits limits;
    private final MqttProtocolVersion version;
    private final ClientCapabilities client;

    SubscriptionRequests(String clientId, MqttSession session, ConnectionAcl acl, ConnectionLimits limits,
                         MqttProtocolVersion version, ClientCapabilities client) {
        this.clientId = clientId;
        this.session = session;
        this.acl = acl;
        this.limits = limits;
        this.version = version;
        this.client = client;
    }

    /**
     * A SUBSCRIBE that breaks a rule for the whole packet, a Protocol Error (DISCONNECT 0x82): null when none.
     * No Local on a shared subscription [MQTT-3.8.3-4].
     */
    static String protocolError(Subscribe subscribe) {
        for (Subscribe.Subscription subscription : subscribe.subscriptions()) {
            if (subscription.noLocal() && SharedSubscription.isShared(subscription.topicFilter())) {
                return "No Local set on the shared subscription '" + subscription.topicFilter() + "'";
            }
        }
        return null;
    }

    /** The outcome of a SUBSCRIBE: its SUBACK, and which filters get their retained messages once it is sent. */
    record Subscribed(SubAck subAck, List<String> retainedFor) {
    }

    Subscribed subscribe(Subscribe subscribe) {
        List<Integer> identifiers = subscribe.properties().subscriptionIdentifiers();
        int identifier = identifiers.isEmpty() ? 0 : identifiers.get(0);
        List<ReasonCode> codes = new ArrayList<>(subscribe.subscriptions().size());
        List<String> retainedFor = new ArrayList<>(subscribe.subscriptions().size());
        String reason = null;
        for (Subscribe.Subscription subscription : subscribe.subscriptions()) {
            String filter = subscription.topicFilter();
            Refusal refusal = refusal(filter);
            boolean existed = session.hasSubscription(filter);
            ReasonCode code = refusal != null ? refusal.code : session.subscribe(filter,
                    new SubscriptionOptions(subscription.requestedQos().value(), subscription.noLocal(),
                            subscription.retainAsPublished(), identifier));
            codes.add(code);
            if (refusal != null && reason == null) {
                reason = refusal.reason;
            } else if (code.isFailure() && reason == null) {
                reason = "subscription to '" + filter + "' refused by the broker";
            }
            if (!code.isFailure() && sendsRetained(subscription, existed)) {
                retainedFor.add(filter);
            }
        }
        SubAck subAck = new SubAck(subscribe.packetId(), codes, problem(reason));
        return new Subscribed(fits(subAck) ? subAck : new SubAck(subscribe.packetId(), codes, MqttProperties.NONE),
                retainedFor);
    }

    /**
     * Retain Handling: 0 at every subscribe [MQTT-3.3.1-9], 1 only if the subscription did not exist
     * [MQTT-3.3.1-10], 2 never [MQTT-3.3.1-11]; never for a shared subscription (MQTT 5 section 4.8.2).
     */
    private static boolean sendsRetained(Subscribe.Subscription subscription, boolean existed) {
        if (SharedSubscription.isShared(subscription.topicFilter())) {
            return false;
        }
        return switch (subscription.retainHandling()) {
            case SEND_AT_SUBSCRIBE -> true;
            case SEND_AT_SUBSCRIBE_IF_NEW -> !existed;
            case DO_NOT_SEND -> false;
        };
    }

    UnsubAck unsubscribe(Unsubscribe unsubscribe) {
        List<ReasonCode> codes = new ArrayList<>(unsubscribe.topicFilters().size());
        String reason = null;
        for (String filter : unsubscribe.topicFilters()) {
            String invalid = TopicSyntax.MQTT.invalidFilterReason(filter);
            if (invalid != null) {
                codes.add(ReasonCode.TOPIC_FILTER_INVALID);
                reason = reason == null ? "topic filter '" + filter + "': " + invalid : reason;
            } else {
                // [MQTT-3.10.4-5] answered whether or not the filter was subscribed.
                codes.add(session.unsubscribe(filter) ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED);
            }
        }
        UnsubAck unsubAck = new UnsubAck(unsubscribe.packetId(), codes, problem(reason));
        return fits(unsubAck) ? unsubAck : new UnsubAck(unsubscribe.packetId(), codes, MqttProperties.NONE);
    }

    private record Refusal(ReasonCode code, String reason) {
    }

    private Refusal refusal(String filter) {
        String invalid = SharedSubscription.isShared(filter) ? SharedSubscription.invalidReason(filter)
                : TopicSyntax.MQTT.invalidFilterReason(filter);
        if (invalid != null) {
            // An ordinary filter gets here only from MQTT 5 (PacketTopicRules closes a 3.1.1 connection); a shared
            // one from either, and a 3.1.1 client reads this as SUBACK 0x80.
            return new Refusal(ReasonCode.TOPIC_FILTER_INVALID, "topic filter '" + filter + "': " + invalid);
        }
        if (!acl.canSubscribe(SharedSubscription.matchedFilter(filter))) {
            if (acl.firstRefusal(filter)) {
                log.info("Client '{}': subscription to '{}' denied by the ACL", clientId, filter);
            }
            return new Refusal(ReasonCode.NOT_AUTHORIZED, "subscription to '" + filter + "' not authorized");
        }
        if (!session.hasRoomFor(filter, limits.maxSubscriptions())) {
            limits.hit(Limit.MQTT_MAX_SUBSCRIPTIONS, "client '" + clientId + "' holds "
                    + limits.maxSubscriptions() + " subscriptions");
            return new Refusal(ReasonCode.QUOTA_EXCEEDED, "at most " + limits.maxSubscriptions()
                    + " subscriptions per client");
        }
        return null;
    }

    /** A reason string, when there is one and the client may have it [MQTT-3.1.2-29]. */
    private MqttProperties problem(String reason) {
        return reason == null || !version.isMqtt5() || !client.requestProblemInformation() ? MqttProperties.NONE
                : MqttProperties.builder().reasonString(reason).build();
    }

    /** Whether the acknowledgement keeps within the client's maximum packet size [MQTT-3.9.2-1, MQTT-3.11.2-1]. */
    private boolean fits(MqttPacket acknowledgement) {
        return MqttEncoder.encodedSize(acknowledgement, version) <= client.maximumPacketSize();
    }
}
