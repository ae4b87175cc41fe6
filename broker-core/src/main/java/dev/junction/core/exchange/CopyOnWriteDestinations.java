package dev.junction.core.exchange;

import java.util.Arrays;

/**
 * A multiset of destinations that readers iterate without locks: writers (one at a time, the virtual host's)
 * publish a new array on every change. A destination bound twice (say with two keys) appears twice, so removing
 * one of the bindings keeps the other route.
 */
final class CopyOnWriteDestinations {
    private static final Destination[] NONE = new Destination[0];

    private volatile Destination[] items = NONE;

    Destination[] snapshot() {
        return items;
    }

    boolean isEmpty() {
        return items.length == 0;
    }

    void add(Destination destination) {
        Destination[] current = items;
        Destination[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = destination;
        items = next;
    }

    void remove(Destination destination) {
        Destination[] current = items;
        for (int i = 0; i < current.length; i++) {
            if (current[i] == destination) {
                Destination[] next = new Destination[current.length - 1];
                System.arraycopy(current, 0, next, 0, i);
                System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                items = next.length == 0 ? NONE : next;
                return;
            }
        }
    }
}
