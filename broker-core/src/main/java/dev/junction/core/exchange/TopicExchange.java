package dev.junction.core.exchange;

import dev.junction.core.BrokerException;
import dev.junction.core.message.Message;
import dev.junction.core.queue.Queue;
import dev.junction.core.topic.TopicMapping;
import dev.junction.core.topic.TopicSyntax;
import dev.junction.core.topic.TopicTrie;

/**
 * Routes by pattern over the dot-separated words of the routing key, and to MQTT subscriptions (bindings with
 * {@link MqttBindingArguments}) by their MQTT filters over the routing key read as an MQTT topic name, so that each
 * protocol's subscriptions match by that protocol's rules: an MQTT filter's {@code *} and {@code .} are literal, and
 * [MQTT-4.7.2-1] keeps {@code $} topics from first-level wildcards whichever protocol published them. Each binding
 * is its own entry in its trie, so two bindings that differ only in arguments can be removed independently; the
 * route collector merges them, keeping the highest QoS granted per queue.
 */
public final class TopicExchange extends KeyedExchange {
    private final TopicTrie<Binding> amqpTrie = new TopicTrie<>(TopicSyntax.AMQP);
    private final TopicTrie<Binding> mqttTrie = new TopicTrie<>(TopicSyntax.MQTT);

    public TopicExchange(String name, ExchangeSettings settings) {
        super(name, settings);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.TOPIC;
    }

    @Override
    protected void routeByKey(Message message, String routingKey, RouteCollector collector) {
        amqpTrie.match(routingKey, binding -> binding.destination().accept(message, collector));
        if (mqttTrie.subscriptionCount() > 0) {
            // A routing key that is no MQTT topic name ('a.#', empty) cannot be sent as a PUBLISH: no MQTT route.
            // A sender-selected (CC) key routes as well, but the subscriber sees the message's own topic.
            String topicName = routingKey.equals(message.routingKey()) ? message.mqttTopicName()
                    : TopicMapping.topicName(routingKey);
            if (TopicSyntax.MQTT.isValidTopicName(topicName)) {
                mqttTrie.match(topicName, binding -> routeToSubscription(binding, message, collector));
            }
        }
    }

    private static void routeToSubscription(Binding binding, Message message, RouteCollector collector) {
        if (binding.destination() instanceof Queue queue) {
            collector.addQueue(queue, MqttBindingArguments.grantedQos(binding.arguments()));
        } else {
            binding.destination().accept(message, collector);
        }
    }

    @Override
    protected void checkBinding(Binding binding) {
        String problem = trieOf(binding).invalidFilterReason(binding.routingKey());
        if (problem != null) {
            throw BrokerException.preconditionFailed("invalid binding key '" + binding.routingKey() + "' for "
                    + this + ": " + problem);
        }
    }

    @Override
    protected void indexBinding(Binding binding) {
        trieOf(binding).subscribe(binding.routingKey(), binding);
    }

    @Override
    protected void unindexBinding(Binding binding) {
        trieOf(binding).unsubscribe(binding.routingKey(), binding);
    }

    private TopicTrie<Binding> trieOf(Binding binding) {
        return MqttBindingArguments.grantedQos(binding.arguments()) == MqttBindingArguments.NOT_MQTT
                ? amqpTrie : mqttTrie;
    }
}
