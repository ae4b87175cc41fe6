package dev.junction.core.exchange;

import java.util.ArrayList;
import java.util.List;

/**
 * The bindings that lead to one destination, so that deleting it (an MQTT session ending, an exclusive queue with
 * its connection) touches its own bindings rather than every binding of every exchange: with a million
 * subscriptions that scan made each disconnect cost the whole tree. A list, not a set: about 4 bytes a binding,
 * and a destination rarely has many. Touched under the vhost's topology lock only.
 */
public final class IncomingBindings {
    private ArrayList<Binding> bindings;

    public void add(Binding binding) {
        if (bindings == null) {
            bindings = new ArrayList<>(2);
        }
        bindings.add(binding);
    }

    public void remove(Binding binding) {
        if (bindings != null) {
            bindings.remove(binding);
        }
    }

    /** A copy of the bindings. */
    public List<Binding> snapshot() {
        return bindings == null ? List.of() : List.copyOf(bindings);
    }

    /** Empties this and returns what it held: the destination is going, so each binding need not be found in it. */
    public List<Binding> takeAll() {
        List<Binding> all = bindings == null ? List.of() : bindings;
        bindings = null;
        return all;
    }
}
