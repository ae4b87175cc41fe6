package dev.junction.core.vhost;

import dev.junction.core.BrokerException;
import dev.junction.core.exchange.Binding;
import dev.junction.core.exchange.DefaultExchange;
import dev.junction.core.exchange.Destination;
import dev.junction.core.exchange.Exchange;
import dev.junction.core.exchange.ExchangeFactory;
import dev.junction.core.exchange.ExchangeSettings;
import dev.junction.core.exchange.ExchangeType;
import dev.junction.core.exchange.RouteCollector;
import dev.junction.core.message.Message;
import dev.junction.core.queue.FlowLimits;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueArguments;
import dev.junction.core.queue.QueueHost;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.store.Definition;
import dev.junction.core.store.Definition.BindingDefinition;
import dev.junction.core.store.Definition.ExchangeDefinition;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.MemoryStorage;
import dev.junction.core.store.MessagePages;
import dev.junction.core.store.Storage;
import dev.junction.core.store.StoreListener;
import dev.junction.core.store.StoredMessage;
import dev.junction.core.thread.OwnerThread;
import dev.junction.core.thread.ShardGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A namespace of exchanges, queues and bindings. Publishing reads the maps and the exchanges' indexes without
 * locks; declarations, deletions and binding changes (rare next to publishes) are serialised by one topology lock
 * so that each change is applied whole, in order, by one writer at a time.
 */
public final class VirtualHost {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualHost.class);
    private static final String RESERVED_PREFIX = "amq.";

    private final String name;
    private final ShardGroup shards;
    private final Storage storage;
    private final FlowLimits flowLimits;
    /** Durable queues and the ids the store knows them by; a queue leaves once its deletion has settled everything. */
    private final ConcurrentHashMap<Queue, Long> durableQueueIds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Exchange> exchanges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Queue> queues = new ConcurrentHashMap<>();
    private final Object topologyLock = new Object();
    private final QueueHost queueHost = new QueueHost() {
        @Override
        public void deadLetter(String exchange, Message message) {
            Exchange target = exchanges.get(exchange);
            if (target != null) {
                routeAndEnqueue(target, message, null, StoreListener.NONE);
            }
            message.release();
        }

        @Override
        public void deleteUnused(Queue queue) {
            VirtualHost.this.deleteUnused(queue);
        }

        @Override
        public void settled(Queue queue, Message message) {
            StoredMessage stored = message.stored();
            if (stored != null) {
                Long queueId = durableQueueIds.get(queue);
                if (queueId != null) {
                    storage.messages().settle(stored, queueId);
                }
            }
        }

        @Override
        public MessagePages pages() {
            return storage.pages();
        }

        @Override
        public long storedRecord(Queue queue, Message message) {
            StoredMessage stored = message.stored();
            return stored != null && durableQueueIds.containsKey(queue) ? stored.recordId() : -1;
        }

        @Override
        public StoredMessage storedCopy(Queue queue, long recordId) {
            Long queueId = durableQueueIds.get(queue);
            return queueId == null ? null : new StoredMessage(recordId, new long[] {queueId});
        }

        @Override
        public FlowLimits flowLimits() {
            return flowLimits;
        }
    };

    /** A virtual host whose durable entities and persistent messages are not stored anywhere. */
    public VirtualHost(String name, ShardGroup shards) {
        this(name, shards, new MemoryStorage());
    }

    public VirtualHost(String name, ShardGroup shards, Storage storage) {
        this(name, shards, storage, FlowLimits.NONE);
    }

    public VirtualHost(String name, ShardGroup shards, Storage storage, FlowLimits flowLimits) {
        this.name = name;
        this.shards = shards;
        this.storage = storage;
        this.flowLimits = flowLimits;
        exchanges.put("", new DefaultExchange(queues::get));
        for (ExchangeType type : ExchangeType.values()) {
            String exchangeName = RESERVED_PREFIX + type.wireName();
            exchanges.put(exchangeName, ExchangeFactory.create(exchangeName, type, ExchangeSettings.builtIn()));
        }
        exchanges.put("amq.match", ExchangeFactory.create("amq.match", ExchangeType.HEADERS,
                ExchangeSettings.builtIn()));
    }

    public String name() {
        return name;
    }

    public Exchange exchange(String exchangeName) {
        return exchanges.get(exchangeName);
    }

    public Queue queue(String queueName) {
        return queues.get(queueName);
    }

    public Collection<Exchange> exchanges() {
        return exchanges.values();
    }

    public Collection<Queue> queues() {
        return queues.values();
    }

    // ---- publishing (any thread, lock-free) ----

    /**
     * Routes a message and hands one reference to each queue it reaches; the caller's reference is released.
     * Returns the queues it reached (empty: unroutable).
     */
    public List<Queue> publish(String exchangeName, Message message) {
        return publish(exchangeName, message, null);
    }

    /**
     * Publishes as {@link #publish(String, Message)} does; each queue reached then reports to {@code outcome}, on
     * its own shard thread, whether it took the message (see {@link Queue#enqueue(Message, int, Consumer)}).
     */
    public List<Queue> publish(String exchangeName, Message message, Consumer<Boolean> outcome) {
        return publish(exchangeName, message, outcome, StoreListener.NONE);
    }

    /**
     * Publishes as {@link #publish(String, Message, Consumer)} does, and tells {@code stored} once the message is
     * safely stored for every durable queue it reached: at once (on this thread) when it is not persistent or
     * reached no durable queue, otherwise on the store's writer thread. Publisher confirms, transaction commits
     * and MQTT acknowledgements wait for both. Not called if this throws (unknown or internal exchange).
     */
    public List<Queue> publish(String exchangeName, Message message, Consumer<Boolean> outcome,
                               StoreListener stored) {
        try {
            Exchange exchange = exchanges.get(exchangeName);
            if (exchange == null) {
                throw notFound("exchange", exchangeName);
            }
            if (exchange.settings().internal()) {
                throw BrokerException.accessRefused(
                        "cannot publish to internal exchange '" + exchangeName + "' in vhost '" + name + "'");
            }
            return routeAndEnqueue(exchange, message, outcome, stored);
        } finally {
            message.release();
        }
    }

    /**
     * Publishes as {@link #publish(String, Message, Consumer, StoreListener)} does, and tells {@code accepted} once
     * every queue reached has taken the message and it is stored for every durable one: with no failure, with a
     * {@link dev.junction.core.queue.PublishRefused} when a queue refused it (x-overflow reject-publish), or with
     * the store's failure. For acknowledgements that cannot say no, as MQTT's: they are then withheld.
     */
    public List<Queue> publishAccepted(String exchangeName, Message message, StoreListener accepted) {
        Acceptance acceptance = new Acceptance(exchangeName, accepted);
        List<Queue> targets = publish(exchangeName, message, acceptance::queueAnswered, acceptance);
        acceptance.arm(targets.size());
        return targets;
    }

    private List<Queue> routeAndEnqueue(Exchange exchange, Message message, Consumer<Boolean> outcome,
                                        StoreListener stored) {
        RouteCollector collector = new RouteCollector();
        exchange.route(message, collector);
        routeToAlternates(exchange, message, collector);
        List<Queue> targets = collector.queues();
        store(message, targets, stored);
        for (int i = 0; i < targets.size(); i++) {
            targets.get(i).enqueue(message.retain(), collector.grantedQos(i), outcome);
        }
        return targets;
    }

    /** Writes a persistent message once for all the durable queues it reaches, before any of them can settle it. */
    private void store(Message message, List<Queue> targets, StoreListener listener) {
        long[] queueIds = message.properties().persistent() ? durableQueueIds(targets) : null;
        if (queueIds == null) {
            listener.stored(null);
        } else {
            message.stored(storage.messages().write(message, queueIds, listener));
        }
    }

    private long[] durableQueueIds(List<Queue> targets) {
        long[] ids = new long[targets.size()];
        int count = 0;
        for (Queue queue : targets) {
            Long id = durableQueueIds.get(queue);
            if (id != null) {
                ids[count++] = id;
            }
        }
        return count == 0 ? null : count == ids.length ? ids : Arrays.copyOf(ids, count);
    }

    /**
     * An unroutable message goes on to the exchange's alternate exchange, and to that one's alternate in turn,
     * until it reaches a queue; a chain that comes back to an exchange already tried ends there.
     */
    private void routeToAlternates(Exchange exchange, Message message, RouteCollector collector) {
        List<Exchange> tried = null;
        Exchange current = exchange;
        while (collector.isEmpty() && current.settings().alternateExchange() != null) {
            Exchange alternate = exchanges.get(current.settings().alternateExchange());
            if (alternate == null || alternate == exchange || tried != null && tried.contains(alternate)) {
                return;
            }
            if (tried == null) {
                tried = new ArrayList<>(2);
            }
            tried.add(alternate);
            alternate.route(message, collector);
            current = alternate;
        }
    }

    // ---- exchanges ----

    public Exchange declareExchange(String exchangeName, ExchangeType type, ExchangeSettings settings) {
        synchronized (topologyLock) {
            Exchange existing = exchanges.get(exchangeName);
            if (existing != null) {
                if (!existing.isEquivalent(type, settings)) {
                    throw BrokerException.preconditionFailed(inequivalence(existing, type, settings));
                }
                return existing;
            }
            if (exchangeName.isEmpty() || exchangeName.startsWith(RESERVED_PREFIX)) {
                throw BrokerException.accessRefused("exchange name '" + exchangeName
                        + "' contains reserved prefix 'amq.'");
            }
            Exchange created = ExchangeFactory.create(exchangeName, type, settings);
            exchanges.put(exchangeName, created);
            if (settings.durable()) {
                storage.definitions().put(definitionOf(created));
            }
            return created;
        }
    }

    /** Exchange.declare with passive set: only checks that the exchange exists. */
    public Exchange existingExchange(String exchangeName) {
        Exchange exchange = exchanges.get(exchangeName);
        if (exchange == null) {
            throw notFound("exchange", exchangeName);
        }
        return exchange;
    }

    /** Deleting an exchange that does not exist succeeds, as in RabbitMQ. */
    public void deleteExchange(String exchangeName, boolean ifUnused) {
        synchronized (topologyLock) {
            Exchange exchange = exchanges.get(exchangeName);
            if (exchange == null) {
                return;
            }
            if (exchangeName.isEmpty() || exchangeName.startsWith(RESERVED_PREFIX)) {
                throw BrokerException.accessRefused("cannot delete exchange '" + exchangeName + "' in vhost '"
                        + name + "': it is a built-in exchange");
            }
            if (ifUnused && !exchange.bindings().isEmpty()) {
                throw BrokerException.preconditionFailed("exchange '" + exchangeName + "' in vhost '" + name
                        + "' in use");
            }
            removeExchange(exchange);
        }
    }

    private void removeExchange(Exchange exchange) {
        exchanges.remove(exchange.name(), exchange);
        if (exchange.settings().durable()) {
            storage.definitions().remove(definitionOf(exchange));
        }
        for (Binding binding : List.copyOf(exchange.bindings())) {
            removeBinding(binding);
        }
        removeBindingsTo(exchange);
    }

    private ExchangeDefinition definitionOf(Exchange exchange) {
        ExchangeSettings settings = exchange.settings();
        return new ExchangeDefinition(name, exchange.name(), exchange.type(), settings.autoDelete(),
                settings.internal(), settings.arguments());
    }

    // ---- queues ----

    public Queue declareQueue(String queueName, QueueSettings settings) {
        return declareQueue(queueName, settings, null);
    }

    /**
     * Declares a queue as {@link #declareQueue(String, QueueSettings)} does; a queue created here is owned by
     * {@code owner} (null: a shard chosen by its name). An existing queue keeps its owner.
     */
    public Queue declareQueue(String queueName, QueueSettings settings, OwnerThread owner) {
        synchronized (topologyLock) {
            Queue existing = queues.get(queueName);
            if (existing != null) {
                checkAccessibleBy(existing, settings.exclusiveOwner());
                if (!existing.settings().isEquivalent(settings)) {
                    throw BrokerException.preconditionFailed("inequivalent arguments for queue '" + queueName
                            + "' in vhost '" + name + "'");
                }
                existing.markUsed();
                return existing;
            }
            if (queueName.isEmpty() || queueName.startsWith(RESERVED_PREFIX) && !queueName.startsWith("amq.gen-")) {
                throw BrokerException.accessRefused("queue name '" + queueName + "' contains reserved prefix 'amq.'");
            }
            Queue created = createQueue(queueName, settings, owner);
            if (isDurable(settings)) {
                durableQueueIds.put(created, storage.definitions().put(definitionOf(created)));
            }
            return created;
        }
    }

    private Queue createQueue(String queueName, QueueSettings settings, OwnerThread owner) {
        QueueArguments arguments = QueueArguments.parse(queueName, name, settings.arguments());
        Queue created = new Queue(queueName, settings, arguments,
                owner == null ? shards.shardFor(name + '/' + queueName) : owner, queueHost);
        queues.put(queueName, created);
        return created;
    }

    /** An exclusive queue ends with its connection, so it never outlives the process, durable or not. */
    private static boolean isDurable(QueueSettings settings) {
        return settings.durable() && !settings.exclusive();
    }

    private QueueDefinition definitionOf(Queue queue) {
        return new QueueDefinition(name, queue.name(), queue.settings().autoDelete(), queue.settings().arguments());
    }

    /** Deletes a queue that was taken out of the map: its definition, its bindings, then its messages. */
    private CompletableFuture<Integer> removeQueue(Queue queue) {
        removeBindingsTo(queue);
        boolean durable = durableQueueIds.containsKey(queue);
        if (durable) {
            storage.definitions().remove(definitionOf(queue));
        }
        CompletableFuture<Integer> deleted = queue.delete();
        if (durable) {
            // Only now: deleting the queue settled its stored messages, which needed its id.
            deleted.thenRun(() -> durableQueueIds.remove(queue));
        }
        return deleted;
    }

    /** Queue.declare with passive set, or any operation on a named queue by a connection. */
    public Queue existingQueue(String queueName, Object requester) {
        Queue queue = queues.get(queueName);
        if (queue == null) {
            throw notFound("queue", queueName);
        }
        checkAccessibleBy(queue, requester);
        return queue;
    }

    /** Queue.declare with passive set: checks existence and access, and counts as a use for x-expires. */
    public Queue redeclaredQueue(String queueName, Object requester) {
        Queue queue = existingQueue(queueName, requester);
        queue.markUsed();
        return queue;
    }

    /** Deletes a queue only if it is still the one registered under its name (it may have been replaced). */
    private void deleteUnused(Queue queue) {
        synchronized (topologyLock) {
            if (queues.remove(queue.name(), queue)) {
                removeQueue(queue);
            }
        }
    }

    /**
     * Deletes a queue with its bindings; completes with the number of messages it held. A queue that does not
     * exist is deleted already (as in RabbitMQ).
     */
    public CompletableFuture<Integer> deleteQueue(String queueName, Object requester, boolean ifUnused,
                                                  boolean ifEmpty) {
        synchronized (topologyLock) {
            Queue queue = queues.get(queueName);
            if (queue == null) {
                return CompletableFuture.completedFuture(0);
            }
            checkAccessibleBy(queue, requester);
            if (ifUnused && queue.consumerCount() > 0) {
                throw BrokerException.preconditionFailed("queue '" + queueName + "' in vhost '" + name
                        + "' in use");
            }
            if (ifEmpty && queue.readyCount() + queue.unsettledCount() > 0) {
                throw BrokerException.preconditionFailed("queue '" + queueName + "' in vhost '" + name
                        + "' is not empty");
            }
            queues.remove(queueName);
            return removeQueue(queue);
        }
    }

    private void checkAccessibleBy(Queue queue, Object requester) {
        Object owner = queue.settings().exclusiveOwner();
        if (owner != null && owner != requester) {
            throw BrokerException.resourceLocked("cannot obtain exclusive access to locked queue '"
                    + queue.name() + "' in vhost '" + name + "'");
        }
    }

    // ---- bindings ----

    public void bindQueue(String exchangeName, String queueName, String routingKey, Map<String, Object> arguments,
                          Object requester) {
        synchronized (topologyLock) {
            Queue queue = existingQueue(queueName, requester);
            bind(bindableSource(exchangeName), queue, routingKey, arguments);
        }
    }

    public void unbindQueue(String exchangeName, String queueName, String routingKey, Map<String, Object> arguments,
                            Object requester) {
        synchronized (topologyLock) {
            Queue queue = existingQueue(queueName, requester);
            unbind(bindableSource(exchangeName), queue, routingKey, arguments);
        }
    }

    public void bindExchange(String sourceName, String destinationName, String routingKey,
                             Map<String, Object> arguments) {
        synchronized (topologyLock) {
            Exchange destination = bindableSource(destinationName);
            bind(bindableSource(sourceName), destination, routingKey, arguments);
        }
    }

    public void unbindExchange(String sourceName, String destinationName, String routingKey,
                               Map<String, Object> arguments) {
        synchronized (topologyLock) {
            Exchange destination = bindableSource(destinationName);
            unbind(bindableSource(sourceName), destination, routingKey, arguments);
        }
    }

    private Exchange bindableSource(String exchangeName) {
        if (exchangeName.isEmpty()) {
            throw BrokerException.accessRefused("operation not permitted on the default exchange");
        }
        return existingExchange(exchangeName);
    }

    private void bind(Exchange source, Destination destination, String routingKey, Map<String, Object> arguments) {
        Binding binding = new Binding(source, destination, routingKey, arguments);
        if (addBinding(binding) && isDurable(binding)) {
            storage.definitions().put(definitionOf(binding));
        }
    }

    private void unbind(Exchange source, Destination destination, String routingKey,
                        Map<String, Object> arguments) {
        if (removeBinding(new Binding(source, destination, routingKey, arguments))) {
            deleteIfAutoDeleteAndUnused(source);
        }
    }

    private boolean addBinding(Binding binding) {
        if (!binding.source().addBinding(binding)) {
            return false;
        }
        binding.destination().incomingBindings().add(binding);
        return true;
    }

    private boolean removeBinding(Binding binding) {
        if (!binding.source().removeBinding(binding)) {
            return false;
        }
        binding.destination().incomingBindings().remove(binding);
        if (isDurable(binding)) {
            storage.definitions().remove(definitionOf(binding));
        }
        return true;
    }

    /** Only a binding between two durable ends survives a restart (as in RabbitMQ). */
    private boolean isDurable(Binding binding) {
        Destination destination = binding.destination();
        boolean durableDestination = destination instanceof Queue queue
                ? durableQueueIds.containsKey(queue)
                : ((Exchange) destination).settings().durable();
        return durableDestination && binding.source().settings().durable();
    }

    // ---- recovery ----

    /**
     * Start-up only, before any client: recreates this vhost's stored exchanges, queues and bindings (in that
     * order) without writing them again. A binding whose end is gone is forgotten. Returns the queues by store id.
     */
    public Map<Long, Queue> restore(List<Definition> definitions, Map<QueueDefinition, Long> queueIds) {
        Map<Long, Queue> restored = new HashMap<>();
        synchronized (topologyLock) {
            for (Definition definition : definitions) {
                if (definition instanceof ExchangeDefinition exchange && exchange.vhost().equals(name)) {
                    exchanges.put(exchange.name(), ExchangeFactory.create(exchange.name(), exchange.type(),
                            new ExchangeSettings(true, exchange.autoDelete(), exchange.internal(),
                                    exchange.arguments())));
                }
            }
            for (Definition definition : definitions) {
                if (definition instanceof QueueDefinition queue && queue.vhost().equals(name)) {
                    Queue created = createQueue(queue.name(),
                            new QueueSettings(true, null, queue.autoDelete(), queue.arguments()), null);
                    long queueId = queueIds.get(queue);
                    durableQueueIds.put(created, queueId);
                    restored.put(queueId, created);
                }
            }
            for (Definition definition : definitions) {
                if (definition instanceof BindingDefinition binding && binding.vhost().equals(name)) {
                    restoreBinding(binding);
                }
            }
        }
        return restored;
    }

    private void restoreBinding(BindingDefinition binding) {
        Exchange source = exchanges.get(binding.source());
        Destination destination = binding.toExchange()
                ? exchanges.get(binding.destination()) : queues.get(binding.destination());
        if (source == null || destination == null) {
            LOG.warn("Dropping stored binding {}: its source or destination no longer exists", binding);
            storage.definitions().remove(binding);
            return;
        }
        try {
            addBinding(new Binding(source, destination, binding.routingKey(), binding.arguments()));
        } catch (BrokerException unusable) {
            // Written by a version with other rules: the broker starts without it rather than not at all.
            LOG.warn("Dropping stored binding {}: {}", binding, unusable.getMessage());
            storage.definitions().remove(binding);
        }
    }

    private BindingDefinition definitionOf(Binding binding) {
        return new BindingDefinition(name, binding.source().name(), binding.destination().name(),
                binding.destination() instanceof Exchange, binding.routingKey(), binding.arguments());
    }

    private void removeBindingsTo(Destination destination) {
        List<Exchange> sourcesLosingBindings = new ArrayList<>();
        for (Binding binding : destination.incomingBindings().takeAll()) {
            if (removeBinding(binding)) {
                sourcesLosingBindings.add(binding.source());
            }
        }
        sourcesLosingBindings.forEach(this::deleteIfAutoDeleteAndUnused);
    }

    private void deleteIfAutoDeleteAndUnused(Exchange exchange) {
        if (exchange.settings().autoDelete() && exchange.bindings().isEmpty()
                && exchanges.get(exchange.name()) == exchange) {
            removeExchange(exchange);
        }
    }

    private BrokerException notFound(String kind, String resourceName) {
        return BrokerException.notFound("no " + kind + " '" + resourceName + "' in vhost '" + name + "'");
    }

    private String inequivalence(Exchange existing, ExchangeType type, ExchangeSettings settings) {
        String prefix = "inequivalent arg ";
        String suffix = " for exchange '" + existing.name() + "' in vhost '" + name + "'";
        if (existing.type() != type) {
            return prefix + "'type'" + suffix + ": received '" + type.wireName() + "' but current is '"
                    + existing.type().wireName() + "'";
        }
        ExchangeSettings current = existing.settings();
        if (current.durable() != settings.durable()) {
            return prefix + "'durable'" + suffix + ": received '" + settings.durable() + "' but current is '"
                    + current.durable() + "'";
        }
        if (current.autoDelete() != settings.autoDelete()) {
            return prefix + "'auto_delete'" + suffix + ": received '" + settings.autoDelete()
                    + "' but current is '" + current.autoDelete() + "'";
        }
        if (current.internal() != settings.internal()) {
            return prefix + "'internal'" + suffix + ": received '" + settings.internal() + "' but current is '"
                    + current.internal() + "'";
        }
        return "inequivalent arguments" + suffix;
    }
}
