package dev.junction.server.mqtt;

import dev.junction.core.BrokerException;
import dev.junction.core.exchange.Binding;
import dev.junction.core.exchange.MqttBindingArguments;
import dev.junction.core.store.StoreListener;
import dev.junction.core.topic.SharedSubscription;
import dev.junction.core.topic.TopicMapping;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.ReasonCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One session's subscriptions kept in step with its queue's bindings on the MQTT exchange, its stored record and
 * the broker's subscription count. Each filter is bound as it is, in MQTT syntax, with its granted QoS and MQTT 5
 * options as an MQTT binding ({@link MqttBindingArguments}); {@code $SYS} filters are no bindings, since the broker
 * serves them itself, nor are shared subscriptions, kept here to be recorded and shown but bound by their groups.
 * Owned by the session's owner loop.
 */
final class SessionFilters {
    private static final Logger log = LoggerFactory.getLogger(SessionFilters.class);
    private static final String SYS_PREFIX = "$SYS";

    private final SessionSubscriptions subscriptions = new SessionSubscriptions();
    private final String clientId;
    private final VirtualHost vhost;
    private final String exchange;
    private final String queueName;
    /** Who binds: the owner of an exclusive (clean-session) queue, which the vhost checks. */
    private final Object requester;
    /** Null for a clean session, whose subscriptions end with it. */
    private final MqttDurableState durable;
    private final MqttStats stats;
    private final BooleanSupplier onOwnerThread;

    /**
     * @param durable where a persistent session records its subscriptions, or null for a clean session
     * @param recovered the subscriptions a persistent session had before a restart
     */
    SessionFilters(String clientId, VirtualHost vhost, String exchange, String queueName, Object requester,
                   MqttDurableState durable, MqttStats stats, Map<String, SubscriptionOptions> recovered,
                   BooleanSupplier onOwnerThread) {
        this.clientId = clientId;
        this.vhost = vhost;
        this.exchange = exchange;
        this.queueName = queueName;
        this.requester = requester;
        this.durable = durable;
        this.stats = stats;
        this.onOwnerThread = onOwnerThread;
        recovered.forEach(subscriptions::put);
    }

    /**
     * Whether a filter is a binding of the session's queue: not when the broker serves it itself ({@code $SYS}), nor
     * for a shared subscription, whose group has its own queue ({@link SharedMemberships}).
     */
    static boolean boundToSessionQueue(String filter) {
        return !filter.startsWith(SYS_PREFIX) && !SharedSubscription.isShared(filter);
    }

    /**
     * Subscribes, or replaces an existing subscription by replacing its binding [MQTT-3.8.4-3]: the new binding is
     * made before the old one goes, so no message is lost in between. The session's queue exists when the filter is
     * to be bound. A refused binding leaves the subscriptions as they were and answers 0x83 (implementation specific
     * error: the core would not take it).
     */
    ReasonCode subscribe(String filter, SubscriptionOptions options) {
        assert onOwnerThread.getAsBoolean() : "a session's subscriptions are its owner loop's";
        SubscriptionOptions previous = subscriptions.put(filter, options);
        if (boundToSessionQueue(filter)) {
            try {
                bind(filter, options);
                if (previous != null && !previous.bindingArguments().equals(options.bindingArguments())) {
                    unbind(filter, previous);
                }
            } catch (BrokerException e) {
                log.warn("Client '{}': subscription to '{}' refused: {}", clientId, filter, e.getMessage());
                subscriptions.remove(filter);
                if (previous != null) {
                    subscriptions.put(filter, previous);
                }
                return ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR;
            }
        }
        if (previous == null) {
            stats.subscriptions.incrementAndGet();
        }
        return ReasonCode.granted(MqttQos.of(options.qos()));
    }

    /** Returns false if there was no such subscription. */
    boolean unsubscribe(String filter) {
        assert onOwnerThread.getAsBoolean() : "a session's subscriptions are its owner loop's";
        SubscriptionOptions granted = subscriptions.remove(filter);
        if (granted == null) {
            return false;
        }
        stats.subscriptions.decrementAndGet();
        if (boundToSessionQueue(filter)) {
            unbind(filter, granted);
        }
        return true;
    }

    /**
     * A session stored by a version before MQTT bindings has its filters bound in AMQP syntax ('/' and '.' swapped,
     * '+' as '*'), where a literal '*' or '.' was a wildcard or a separator: each filter is bound again as an MQTT
     * binding (a no-op when it already is one) and the old binding goes. Not a per-message cost: once per
     * recovered session, at its first connection after a restart.
     */
    void upgradeStoredBindings() {
        for (Map.Entry<String, SubscriptionOptions> subscription : subscriptions.entries()) {
            String filter = subscription.getKey();
            if (boundToSessionQueue(filter)) {
                bind(filter, subscription.getValue());
                vhost.unbindQueue(exchange, queueName, legacyBindingKey(filter), Map.of(), requester);
            }
        }
    }

    /**
     * A persistent session without a stored record whose queue already has MQTT bindings (its definitions were
     * imported on this broker) takes them as its subscriptions, options included, so that what the bindings say
     * is what the session delivers by. Once per such session, at its start; a new session's queue has no bindings.
     */
    void adoptBindings() {
        if (!subscriptions.isEmpty()) {
            return;
        }
        for (Binding binding : vhost.bindingsTo(queueName)) {
            Map<String, Object> arguments = binding.arguments();
            int qos = MqttBindingArguments.grantedQos(arguments);
            if (qos != MqttBindingArguments.NOT_MQTT && binding.source().name().equals(exchange)) {
                subscriptions.put(binding.routingKey(), new SubscriptionOptions(qos,
                        MqttBindingArguments.isSet(arguments, MqttBindingArguments.NO_LOCAL),
                        MqttBindingArguments.isSet(arguments, MqttBindingArguments.RETAIN_AS_PUBLISHED),
                        MqttBindingArguments.subscriptionIdentifier(arguments)));
            }
        }
    }

    private static String legacyBindingKey(String filter) {
        return TopicMapping.routingKey(filter).replace('+', '*');
    }

    private void bind(String filter, SubscriptionOptions options) {
        vhost.bindQueue(exchange, queueName, filter, options.bindingArguments(), requester);
    }

    private void unbind(String filter, SubscriptionOptions options) {
        vhost.unbindQueue(exchange, queueName, filter, options.bindingArguments(), requester);
    }

    boolean contains(String filter) {
        return subscriptions.contains(filter);
    }

    /** The subscription of {@code filter}, or null. */
    SubscriptionOptions get(String filter) {
        return subscriptions.get(filter);
    }

    /** Whether deliveries must be matched against the filters for their MQTT 5 options ({@link #deliveryFor}). */
    boolean hasDeliveryOptions() {
        return subscriptions.hasDeliveryOptions();
    }

    /** See {@link SessionSubscriptions#deliveryFor}. */
    MatchedSubscriptions deliveryFor(String topicName, boolean ownMessage) {
        return subscriptions.deliveryFor(topicName, ownMessage);
    }

    /** Whether subscribing to {@code filter} keeps the session within {@code max} filters (0: no limit). */
    boolean hasRoomFor(String filter, int max) {
        return max == 0 || subscriptions.size() < max || subscriptions.contains(filter);
    }

    /**
     * A persistent session records its subscriptions, and {@code stored} learns when the record (and so the binding
     * changes written before it) is durable; a clean session's are complete at once.
     */
    void record(StoreListener stored) {
        if (durable == null) {
            stored.stored(null);
        } else {
            durable.saveSession(clientId, subscriptions, stored);
        }
    }

    /** The highest QoS granted by a filter that matches the topic, or {@link SessionSubscriptions#NO_MATCH}. */
    int maxGrantedQos(String topicName) {
        return subscriptions.maxGrantedQos(topicName);
    }

    /** The session's filters join the broker's subscription count (a persistent session at its start). */
    void counted() {
        stats.subscriptions.addAndGet(subscriptions.size());
    }

    /** The session ends: its filters leave the broker's subscription count. */
    void uncounted() {
        stats.subscriptions.addAndGet(-subscriptions.size());
    }

    /** Filter to granted QoS, in the order subscribed, for the management API. */
    Map<String, Integer> snapshot() {
        Map<String, Integer> filters = new LinkedHashMap<>();
        subscriptions.entries().forEach(entry -> filters.put(entry.getKey(), entry.getValue().qos()));
        return filters;
    }

    /** A stored session's filters to granted QoS, for the management API. */
    static Map<String, Integer> qosByFilter(Map<String, SubscriptionOptions> stored) {
        Map<String, Integer> filters = new LinkedHashMap<>();
        stored.forEach((filter, options) -> filters.put(filter, options.qos()));
        return filters;
    }
}
