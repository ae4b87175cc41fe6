package dev.junction.core.exchange;

import dev.junction.core.message.Message;
import dev.junction.core.topic.TopicSyntax;
import dev.junction.core.topic.TopicTrie;

/**
 * Routes by pattern over the dot-separated words of the routing key. Each binding is its own entry in the trie,
 * so two bindings that differ only in arguments can be removed independently; the route collector merges them.
 */
public final class TopicExchange extends KeyedExchange {
    private final TopicTrie<Binding> trie = new TopicTrie<>(TopicSyntax.AMQP);

    public TopicExchange(String name, ExchangeSettings settings) {
        super(name, settings);
    }

    @Override
    public ExchangeType type() {
        return ExchangeType.TOPIC;
    }

    @Override
    protected void routeByKey(Message message, String routingKey, RouteCollector collector) {
        trie.match(routingKey, binding -> binding.destination().accept(message, collector));
    }

    @Override
    protected void indexBinding(Binding binding) {
        trie.subscribe(binding.routingKey(), binding);
    }

    @Override
    protected void unindexBinding(Binding binding) {
        trie.unsubscribe(binding.routingKey(), binding);
    }
}
