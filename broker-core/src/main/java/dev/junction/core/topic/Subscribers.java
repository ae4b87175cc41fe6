package dev.junction.core.topic;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Operations on the subscribers of one filter, kept in one field as: null (none), the subscriber itself (by far the
 * most common case, so it costs no extra object), a {@link Few} replaced on every change, or a {@link Many}
 * changed in place (a filter shared by thousands of clients must not be copied on every subscribe).
 * Writers call the mutators only while holding the trie's lock.
 */
final class Subscribers {
    /** Beyond this many subscribers, copying the array on each change costs more than a concurrent set. */
    static final int MAX_FEW = 16;

    private record Few(Object[] members) {
    }

    private record Many(Set<Object> members) {
    }

    private Subscribers() {
    }

    static boolean contains(Object subscribers, Object subscriber) {
        if (subscribers instanceof Few few) {
            return indexOf(few.members, subscriber) >= 0;
        }
        if (subscribers instanceof Many many) {
            return many.members.contains(subscriber);
        }
        return subscribers != null && subscribers.equals(subscriber);
    }

    /** Returns the subscribers with {@code subscriber} added; it must not be present. */
    static Object with(Object subscribers, Object subscriber) {
        if (subscribers == null) {
            return subscriber;
        }
        if (subscribers instanceof Many many) {
            many.members.add(subscriber);
            return many;
        }
        if (subscribers instanceof Few few) {
            if (few.members.length < MAX_FEW) {
                Object[] grown = Arrays.copyOf(few.members, few.members.length + 1);
                grown[few.members.length] = subscriber;
                return new Few(grown);
            }
            Set<Object> members = ConcurrentHashMap.newKeySet(few.members.length * 2);
            members.addAll(Arrays.asList(few.members));
            members.add(subscriber);
            return new Many(members);
        }
        return new Few(new Object[] {subscribers, subscriber});
    }

    /** Returns the subscribers with {@code subscriber} removed; it must be present. */
    static Object without(Object subscribers, Object subscriber) {
        if (subscribers instanceof Few few) {
            int index = indexOf(few.members, subscriber);
            if (few.members.length == 2) {
                return few.members[1 - index];
            }
            Object[] shrunk = new Object[few.members.length - 1];
            System.arraycopy(few.members, 0, shrunk, 0, index);
            System.arraycopy(few.members, index + 1, shrunk, index, shrunk.length - index);
            return new Few(shrunk);
        }
        if (subscribers instanceof Many many) {
            many.members.remove(subscriber);
            // Shrink back only well below the threshold so a filter hovering around it does not convert back and forth.
            return many.members.size() <= MAX_FEW / 2 ? new Few(many.members.toArray()) : many;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    static <S> void forEach(Object subscribers, Consumer<? super S> visitor) {
        if (subscribers == null) {
            return;
        }
        if (subscribers instanceof Few few) {
            for (Object member : few.members) {
                visitor.accept((S) member);
            }
        } else if (subscribers instanceof Many many) {
            many.members.forEach(member -> visitor.accept((S) member));
        } else {
            visitor.accept((S) subscribers);
        }
    }

    private static int indexOf(Object[] members, Object subscriber) {
        for (int i = 0; i < members.length; i++) {
            if (members[i].equals(subscriber)) {
                return i;
            }
        }
        return -1;
    }
}
