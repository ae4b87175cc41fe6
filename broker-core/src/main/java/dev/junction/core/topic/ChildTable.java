package dev.junction.core.topic;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Literal children of a wide node: an open-addressing hash table of nodes, looked up by a region of the topic
 * string so that matching never has to cut the topic into substrings. Each slot holds a node, which carries its own
 * word, so a reader always sees a consistent key and value. Only the writer (holding the trie's lock) mutates the
 * table, in place with release stores; readers use acquire loads and never block. A removed child leaves a tombstone
 * so that probe sequences of readers stay unbroken; tombstones disappear when the table is rebuilt, and a rebuilt
 * table is a new object, so readers still holding the old one keep a consistent snapshot.
 */
final class ChildTable {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(TrieNode[].class);
    private static final TrieNode REMOVED = new TrieNode(null);
    private static final int MIN_CAPACITY = 16;

    private final TrieNode[] slots;
    private final int shift;
    /** Live children; writer only. */
    private int size;
    /** Live children plus tombstones; writer only. At most three quarters of the slots, so probes always end. */
    private int occupied;

    private ChildTable(int capacity) {
        slots = new TrieNode[capacity];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
    }

    static ChildTable of(TrieNode[] children, int expectedSize) {
        ChildTable table = new ChildTable(capacityFor(expectedSize));
        for (TrieNode child : children) {
            table.insert(child);
        }
        return table;
    }

    int size() {
        return size;
    }

    TrieNode find(String text, int from, int end) {
        int mask = slots.length - 1;
        for (int i = indexFor(Words.hash(text, from, end)); ; i = (i + 1) & mask) {
            TrieNode node = (TrieNode) SLOTS.getAcquire(slots, i);
            if (node == null) {
                return null;
            }
            if (node != REMOVED && node.hasWord(text, from, end)) {
                return node;
            }
        }
    }

    /** Adds a child whose word is not present; returns this table or, when it had to grow, its replacement. */
    ChildTable with(TrieNode child) {
        if ((occupied + 1) * 4L > slots.length * 3L) {
            ChildTable rebuilt = of(toArray(), size + 1);
            rebuilt.insert(child);
            return rebuilt;
        }
        insert(child);
        return this;
    }

    void remove(TrieNode child) {
        int mask = slots.length - 1;
        for (int i = indexFor(Words.hash(child.word)); ; i = (i + 1) & mask) {
            if (slots[i] == child) {
                SLOTS.setRelease(slots, i, REMOVED);
                size--;
                return;
            }
            if (slots[i] == null) {
                throw new IllegalStateException("removing a child that is not in this table");
            }
        }
    }

    TrieNode[] toArray() {
        TrieNode[] live = new TrieNode[size];
        int n = 0;
        for (TrieNode node : slots) {
            if (node != null && node != REMOVED) {
                live[n++] = node;
            }
        }
        return live;
    }

    private void insert(TrieNode child) {
        int mask = slots.length - 1;
        int i = indexFor(Words.hash(child.word));
        while (slots[i] != null && slots[i] != REMOVED) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            occupied++;
        }
        SLOTS.setRelease(slots, i, child);
        size++;
    }

    /** Fibonacci hashing: spreads sequential device ids and similar near-identical words across the table. */
    private int indexFor(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** Rebuilt tables start at most half full. */
    private static int capacityFor(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(MIN_CAPACITY, expectedSize * 2 - 1)) << 1;
        return Math.max(MIN_CAPACITY, capacity);
    }
}
