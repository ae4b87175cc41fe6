package dev.junction.core.topic;

/**
 * One level of the trie. Fields are volatile so that readers walk the trie without locks while the single writer
 * (holding the trie's lock) publishes changes; every published value is immutable or safe for concurrent reading.
 * Deliberately small (32 bytes with compressed references): a million subscriptions means about a million nodes.
 */
final class TrieNode {
    /** The literal word leading here from the parent, as kept by {@link Words}; null for the root and wildcards. */
    final Object word;
    /** Literal children, encoded as described in {@link ChildNodes}. */
    volatile Object children;
    volatile TrieNode singleLevel;
    volatile TrieNode multiLevel;
    /** Subscribers of the filter ending here, encoded as described in {@link Subscribers}. */
    volatile Object subscribers;

    TrieNode(Object word) {
        this.word = word;
    }

    boolean isEmpty() {
        return subscribers == null && children == null && singleLevel == null && multiLevel == null;
    }

    /** True when nothing can match below this node, so a '#' here matches whatever remains in one step. */
    boolean isLeaf() {
        return children == null && singleLevel == null && multiLevel == null;
    }

    boolean hasWord(String text, int from, int end) {
        return Words.matches(word, text, from, end);
    }
}
