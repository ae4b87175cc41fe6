package dev.junction.core.topic;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Subscriptions (topic filter, subscriber) and the matching of topic names against them, for one {@link TopicSyntax}.
 * {@link #match} never locks and never waits for a writer: it sees each subscription that was complete before it
 * started and not removed before it ended, and may or may not see concurrent changes. Writers serialise on one lock.
 * Matching walks the topic string by index: it neither splits nor copies it.
 *
 * @param <S> the subscriber; two subscribers are the same when {@code equals} says so
 */
public final class TopicTrie<S> {
    /**
     * Deepest filter accepted. Matching recurses once per level of the trie, so a bound keeps a hostile filter from
     * exhausting a thread's stack; real topic hierarchies are a handful of levels deep.
     */
    public static final int MAX_FILTER_LEVELS = 1024;

    private final TopicSyntax syntax;
    // Package-private so tests can check that unsubscribing prunes every node it emptied.
    final TrieNode root = new TrieNode(null);
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile int subscriptionCount;

    public TopicTrie(TopicSyntax syntax) {
        this.syntax = Objects.requireNonNull(syntax, "syntax");
    }

    /**
     * Adds the subscription. Returns false if {@code subscriber} already had this exact filter.
     *
     * @throws IllegalArgumentException if the filter breaks the syntax's rules or is deeper than
     *                                  {@link #MAX_FILTER_LEVELS}
     */
    public boolean subscribe(String filter, S subscriber) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(subscriber, "subscriber");
        String problem = invalidFilterReason(filter);
        if (problem != null) {
            throw new IllegalArgumentException("invalid topic filter '" + filter + "': " + problem);
        }
        writeLock.lock();
        try {
            TrieNode node = root;
            for (int from = syntax.firstLevelStart(filter); from <= filter.length(); ) {
                int end = syntax.levelEnd(filter, from);
                node = childOrCreate(node, filter, from, end);
                from = end + 1;
            }
            if (Subscribers.contains(node.subscribers, subscriber)) {
                return false;
            }
            node.subscribers = Subscribers.with(node.subscribers, subscriber);
            subscriptionCount++;
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Removes the subscription and any trie nodes left empty by it. Returns false if it was not there (an invalid
     * filter never is).
     */
    public boolean unsubscribe(String filter, S subscriber) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(subscriber, "subscriber");
        if (!syntax.isValidFilter(filter)) {
            return false;
        }
        writeLock.lock();
        try {
            if (!remove(root, filter, syntax.firstLevelStart(filter), subscriber)) {
                return false;
            }
            subscriptionCount--;
            return true;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Calls {@code visitor} once for each subscription whose filter matches {@code topic}; a subscriber with several
     * matching filters is visited once per filter. Runs on the caller's thread without locking.
     */
    public void match(String topic, Consumer<? super S> visitor) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(visitor, "visitor");
        if (syntax.hidesFirstLevelFromWildcards(topic)) {
            int end = syntax.levelEnd(topic, 0);
            TrieNode literal = ChildNodes.find(root.children, topic, 0, end);
            if (literal != null) {
                explore(literal, topic, end + 1, false, null, visitor);
            }
        } else {
            explore(root, topic, syntax.firstLevelStart(topic), false, null, visitor);
        }
    }

    public int subscriptionCount() {
        return subscriptionCount;
    }

    /** Why {@link #subscribe} would refuse {@code filter} (its syntax's rules, or its depth), or null. */
    public String invalidFilterReason(String filter) {
        String problem = syntax.invalidFilterReason(filter);
        if (problem != null) {
            return problem;
        }
        int levels = 0;
        for (int from = syntax.firstLevelStart(filter); from <= filter.length(); from = syntax.levelEnd(filter, from) + 1) {
            if (++levels > MAX_FILTER_LEVELS) {
                return "more than " + MAX_FILTER_LEVELS + " levels";
            }
        }
        return null;
    }

    private TrieNode childOrCreate(TrieNode parent, String filter, int from, int end) {
        TrieNode child = childOf(parent, filter, from, end);
        if (child != null) {
            return child;
        }
        if (syntax.isSingleLevelWildcard(filter, from, end)) {
            child = new TrieNode(null);
            parent.singleLevel = child;
        } else if (syntax.isMultiLevelWildcard(filter, from, end)) {
            child = new TrieNode(null);
            parent.multiLevel = child;
        } else {
            child = new TrieNode(Words.of(filter, from, end));
            parent.children = ChildNodes.with(parent.children, child);
        }
        return child;
    }

    private TrieNode childOf(TrieNode parent, String filter, int from, int end) {
        if (syntax.isSingleLevelWildcard(filter, from, end)) {
            return parent.singleLevel;
        }
        if (syntax.isMultiLevelWildcard(filter, from, end)) {
            return parent.multiLevel;
        }
        return ChildNodes.find(parent.children, filter, from, end);
    }

    private boolean remove(TrieNode node, String filter, int from, Object subscriber) {
        if (from > filter.length()) {
            if (!Subscribers.contains(node.subscribers, subscriber)) {
                return false;
            }
            node.subscribers = Subscribers.without(node.subscribers, subscriber);
            return true;
        }
        int end = syntax.levelEnd(filter, from);
        TrieNode child = childOf(node, filter, from, end);
        if (child == null || !remove(child, filter, end + 1, subscriber)) {
            return false;
        }
        if (child.isEmpty()) {
            if (child == node.singleLevel) {
                node.singleLevel = null;
            } else if (child == node.multiLevel) {
                node.multiLevel = null;
            } else {
                node.children = ChildNodes.without(node.children, child);
            }
        }
        return true;
    }

    /**
     * Visits the subscriptions below {@code node} matching the topic's levels from index {@code from} on
     * ({@code from > topic.length()} when none are left). Returns {@code expanded}, possibly created here: see
     * {@link #expandMultiLevel}.
     */
    private Set<TrieNode> explore(TrieNode node, String topic, int from, boolean belowMultiLevel,
                                  Set<TrieNode> expanded, Consumer<? super S> visitor) {
        if (from > topic.length()) {
            Subscribers.forEach(node.subscribers, visitor);
        } else {
            int end = syntax.levelEnd(topic, from);
            TrieNode literal = ChildNodes.find(node.children, topic, from, end);
            if (literal != null) {
                expanded = explore(literal, topic, end + 1, belowMultiLevel, expanded, visitor);
            }
            TrieNode single = node.singleLevel;
            if (single != null) {
                expanded = explore(single, topic, end + 1, belowMultiLevel, expanded, visitor);
            }
        }
        TrieNode multi = node.multiLevel;
        return multi == null ? expanded : expandMultiLevel(multi, topic, from, belowMultiLevel, expanded, visitor);
    }

    /**
     * Lets the '#' leading to {@code multi} swallow zero, one, ... all of the remaining levels.
     * <p>
     * A filter with two '#' words (AMQP only, such as {@code #.a.#}) can match one topic in several ways, which would
     * visit its subscribers several times. The outer '#' reaches the inner one at increasing positions, and the
     * first, lowest position already tries every later one, so an inner '#' is expanded only the first time it is
     * reached. {@code expanded} remembers those nodes; it is created only when such a filter is met, so the common
     * case allocates nothing.
     */
    private Set<TrieNode> expandMultiLevel(TrieNode multi, String topic, int from, boolean belowMultiLevel,
                                           Set<TrieNode> expanded, Consumer<? super S> visitor) {
        if (belowMultiLevel) {
            if (expanded == null) {
                expanded = Collections.newSetFromMap(new IdentityHashMap<>());
            }
            if (!expanded.add(multi)) {
                return expanded;
            }
        }
        if (multi.isLeaf()) {
            Subscribers.forEach(multi.subscribers, visitor);
            return expanded;
        }
        for (int position = from; ; position = syntax.levelEnd(topic, position) + 1) {
            expanded = explore(multi, topic, position, true, expanded, visitor);
            if (position > topic.length()) {
                return expanded;
            }
        }
    }
}
