package dev.junction.core.exchange;

import dev.junction.core.message.Message;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exchange routes each message to the destinations its bindings select. Routing runs on the publisher's thread
 * and reads only structures that are safe without locks; binding changes come from the virtual host, which
 * serialises them, so subclasses may assume one writer at a time.
 */
public abstract class Exchange implements Destination {
    private final String name;
    private final ExchangeSettings settings;
    private final Set<Binding> bindings = ConcurrentHashMap.newKeySet();
    private final IncomingBindings incomingBindings = new IncomingBindings();

    protected Exchange(String name, ExchangeSettings settings) {
        this.name = name;
        this.settings = settings;
    }

    @Override
    public String name() {
        return name;
    }

    public abstract ExchangeType type();

    public ExchangeSettings settings() {
        return settings;
    }

    /** Routes a message published to this exchange (or arriving through an exchange-to-exchange binding). */
    public final void route(Message message, RouteCollector collector) {
        if (collector.enter(this)) {
            routeToBindings(message, collector);
        }
    }

    @Override
    public final void accept(Message message, RouteCollector collector) {
        route(message, collector);
    }

    protected abstract void routeToBindings(Message message, RouteCollector collector);

    /**
     * Returns false if an identical binding already existed. Called by the virtual host's single writer.
     *
     * @throws dev.junction.core.BrokerException PRECONDITION_FAILED if this exchange cannot index the binding
     */
    public final boolean addBinding(Binding binding) {
        checkBinding(binding);
        if (!bindings.add(binding)) {
            return false;
        }
        indexBinding(binding);
        return true;
    }

    /** Returns false if there was no such binding. Called by the virtual host's single writer. */
    public final boolean removeBinding(Binding binding) {
        if (!bindings.remove(binding)) {
            return false;
        }
        unindexBinding(binding);
        return true;
    }

    /**
     * Refuses, with PRECONDITION_FAILED and before anything changes, a binding {@link #indexBinding} could not take
     * or whose arguments this type of exchange cannot route by. The types that route by key alone take any.
     */
    protected void checkBinding(Binding binding) {
    }

    protected abstract void indexBinding(Binding binding);

    protected abstract void unindexBinding(Binding binding);

    public Collection<Binding> bindings() {
        return bindings;
    }

    @Override
    public IncomingBindings incomingBindings() {
        return incomingBindings;
    }

    @Override
    public String toString() {
        return type().wireName() + " exchange '" + name + "'";
    }
}
