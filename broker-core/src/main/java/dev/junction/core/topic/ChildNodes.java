package dev.junction.core.topic;

import java.util.Arrays;

/**
 * Operations on a node's literal children, kept in one field as: null (none), a {@code TrieNode[]} replaced on every
 * change (few children), or a {@link ChildTable} (many children). No wrapper object around the small array: most
 * nodes have zero or one child and the wrapper would cost 16 bytes on each of them.
 * Writers call these only while holding the trie's lock.
 */
final class ChildNodes {
    /** Beyond this many children, a linear scan and whole-array copies on change cost more than hashing. */
    static final int MAX_SMALL = 8;

    private ChildNodes() {
    }

    static TrieNode find(Object children, String text, int from, int end) {
        if (children instanceof TrieNode[] small) {
            for (TrieNode child : small) {
                if (child.hasWord(text, from, end)) {
                    return child;
                }
            }
            return null;
        }
        return children == null ? null : ((ChildTable) children).find(text, from, end);
    }

    /** Returns the children with {@code child} added; its word must not be present yet. */
    static Object with(Object children, TrieNode child) {
        if (children == null) {
            return new TrieNode[] {child};
        }
        if (children instanceof TrieNode[] small) {
            if (small.length < MAX_SMALL) {
                TrieNode[] grown = Arrays.copyOf(small, small.length + 1);
                grown[small.length] = child;
                return grown;
            }
            ChildTable table = ChildTable.of(small, small.length + 1);
            return table.with(child);
        }
        return ((ChildTable) children).with(child);
    }

    /** Returns the children with {@code child} removed; it must be present. */
    static Object without(Object children, TrieNode child) {
        if (children instanceof TrieNode[] small) {
            if (small.length == 1) {
                return null;
            }
            TrieNode[] shrunk = new TrieNode[small.length - 1];
            int i = 0;
            for (TrieNode existing : small) {
                if (existing != child) {
                    shrunk[i++] = existing;
                }
            }
            return shrunk;
        }
        ChildTable table = (ChildTable) children;
        table.remove(child);
        // Shrink back only well below the threshold so a node hovering around it does not convert back and forth.
        return table.size() <= MAX_SMALL / 2 ? table.toArray() : table;
    }
}
