package dev.junction.core.vhost;

import dev.junction.core.Arguments;
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
import dev.junction.core.message.MessageProperties;
import dev.junction.core.message.SenderSelected;
import dev.junction.core.queue.FlowLimits;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueArguments;
import dev.junction.core.queue.QueueHost;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.store.Definition;
import dev.junction.core.store.Definition.BindingDefinition;
import dev.junction.core.store.Definition.ExchangeDefinition;
import dev.junction.core.store.Definition.PolicyDefinition;
import dev.junction.core.store.Definition.QueueDefinition;
import dev.junction.core.store.Definition.QueueLimitsDefinition;
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
    private final ConcurrentHashMap<String, Policy> policies = new ConcurrentHashMap<>();
    /** The policy whose limits each queue carries now; a queue no policy matches has no entry. */
    private final ConcurrentHashMap<Queue, Policy> queuePolicies = new ConcurrentHashMap<>();
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

    /**
     * Routes by the message's routing key and the keys its sender selected (read once here), then hands the queues
     * the message without its {@code BCC} header: a copy of the properties, once per publish, the body shared.
     */
    private List<Queue> routeAndEnqueue(Exchange exchange, Message message, Consumer<Boolean> outcome,
                                        StoreListener stored) {
        RouteCollector collector = new RouteCollector(SenderSelected.extraKeys(message.properties()));
        exchange.route(message, collector);
        routeToAlternates(exchange, message, collector);
        List<Queue> targets = collector.queues();
        MessageProperties deliverable = SenderSelected.withoutBcc(message.properties());
        Message routed = deliverable == message.properties() ? message : message.withProperties(deliverable);
        try {
            store(routed, targets, stored);
            for (int i = 0; i < targets.size(); i++) {
                targets.get(i).enqueue(routed.retain(), collector.grantedQos(i), outcome);
            }
        } finally {
            if (routed != message) {
                routed.release();
            }
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
        refuseDefaultExchange(exchangeName);
        synchronized (topologyLock) {
            Exchange existing = exchanges.get(exchangeName);
            if (existing != null) {
                String inequivalence = inequivalence(existing, type, settings);
                if (inequivalence != null) {
                    throw BrokerException.preconditionFailed(inequivalence);
                }
                return existing;
            }
            if (exchangeName.startsWith(RESERVED_PREFIX)) {
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

    /** Exchange.declare with passive set: checks that the exchange exists; the default exchange is not declared. */
    public Exchange passiveExchange(String exchangeName) {
        refuseDefaultExchange(exchangeName);
        return existingExchange(exchangeName);
    }

    /** The exchange by that name; NOT_FOUND if there is none. */
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
                // RabbitMQ's strict check: a redeclaration names the same exclusive owner (none for a shared queue).
                if (existing.settings().exclusiveOwner() != settings.exclusiveOwner()) {
                    throw locked(existing);
                }
                String inequivalence = inequivalence(existing, settings);
                if (inequivalence != null) {
                    throw BrokerException.preconditionFailed(inequivalence);
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
            applyPolicy(created);
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

    /**
     * Changes the limits of a live queue ({@link QueueArguments#LIMITS}: length and size bounds, overflow,
     * dead-lettering) without redeclaring it: {@code overrides} are laid over the queue's declared arguments, which
     * stay as declared (a client's redeclaration is compared with those, as in RabbitMQ), a void value removing the
     * declared one; they replace the overrides set before, and none at all returns to the declared limits. Checked
     * as a declaration is (PRECONDITION_FAILED), applied on the queue's owner thread at once (see
     * {@link Queue#overrideLimits}) and, for a durable queue, stored so that a restart brings them back. Whoever
     * decides a queue's limits other than its declaration (the MQTT handler's configuration, policies) goes through
     * here. Completes once the queue applies them; NOT_FOUND if there is no such queue.
     */
    public CompletableFuture<Void> overrideLimits(String queueName, Map<String, Object> overrides) {
        synchronized (topologyLock) {
            Queue queue = queues.get(queueName);
            if (queue == null) {
                throw notFound("queue", queueName);
            }
            for (String argument : overrides.keySet()) {
                if (!QueueArguments.LIMITS.contains(argument)) {
                    throw BrokerException.preconditionFailed("argument '" + argument + "' of queue '" + queueName
                            + "' in vhost '" + name + "' cannot change on a live queue");
                }
            }
            Map<String, Object> checked = Arguments.checkedCopyOf(overrides);
            QueueArguments effective = QueueArguments.parse(queueName, name,
                    QueueArguments.overridden(queue.settings().arguments(), checked));
            Long queueId = durableQueueIds.get(queue);
            if (queueId != null) {
                QueueLimitsDefinition stored = new QueueLimitsDefinition(name, queueName, queueId, checked);
                if (checked.isEmpty()) {
                    storage.definitions().remove(stored);
                } else {
                    storage.definitions().put(stored);
                }
            }
            return queue.overrideLimits(checked, effective);
        }
    }

    // ---- policies ----

    /**
     * Adds or replaces a policy (stored, so a restart keeps it) and lays it at once over the queues it now wins,
     * re-applying to those it no longer wins. Refused (PRECONDITION_FAILED) if its definition does not parse as
     * queue arguments.
     */
    public void setPolicy(Policy policy) {
        synchronized (topologyLock) {
            QueueArguments.parse("policy " + policy.name(), name, policy.overridesFor(Map.of()));
            policies.put(policy.name(), policy);
            storage.definitions().put(new PolicyDefinition(name, policy.name(), policy.pattern(),
                    policy.applyTo().wireName(), policy.priority(), policy.definition()));
            queues.values().forEach(this::applyPolicy);
        }
    }

    /** Removes a policy; the queues it applied to take the next matching one, or their declared limits. */
    public void clearPolicy(String policyName) {
        synchronized (topologyLock) {
            Policy removed = policies.remove(policyName);
            if (removed == null) {
                throw notFound("policy", policyName);
            }
            storage.definitions().remove(new PolicyDefinition(name, policyName, removed.pattern(),
                    removed.applyTo().wireName(), removed.priority(), removed.definition()));
            queues.values().forEach(this::applyPolicy);
        }
    }

    public Collection<Policy> policies() {
        return List.copyOf(policies.values());
    }

    /** The policy applied to a queue, or null. */
    public Policy policyOf(Queue queue) {
        return queuePolicies.get(queue);
    }

    /** The highest-priority policy matching the queue name; a tie goes to the name sorting first (a stable choice). */
    private Policy winningPolicy(String queueName) {
        Policy winner = null;
        for (Policy policy : policies.values()) {
            if (policy.matches(queueName) && (winner == null || policy.priority() > winner.priority()
                    || policy.priority() == winner.priority() && policy.name().compareTo(winner.name()) < 0)) {
                winner = policy;
            }
        }
        return winner;
    }

    /**
     * Lays the winning policy over a queue. A queue that had no policy and still has none is left alone, so limits
     * another owner set through {@link #overrideLimits} (the MQTT session queues' configuration) stay.
     */
    private void applyPolicy(Queue queue) {
        Policy winner = winningPolicy(queue.name());
        Policy before = winner == null ? queuePolicies.remove(queue) : queuePolicies.put(queue, winner);
        if (winner == null && before == null) {
            return;
        }
        Map<String, Object> overrides = winner == null ? Map.of() : winner.overridesFor(queue.settings().arguments());
        if (!overrides.equals(queue.limitOverrides())) {
            overrideLimits(queue.name(), overrides);
        }
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
        Long queueId = durableQueueIds.get(queue);
        boolean durable = queueId != null;
        if (durable) {
            storage.definitions().remove(definitionOf(queue));
            storage.definitions().remove(new QueueLimitsDefinition(name, queue.name(), queueId, Map.of()));
        }
        queuePolicies.remove(queue);
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
            throw locked(queue);
        }
    }

    private BrokerException locked(Queue queue) {
        return BrokerException.resourceLocked("cannot obtain exclusive access to locked queue '" + queue.name()
                + "' in vhost '" + name + "'");
    }

    // ---- bindings ----

    public void bindQueue(String exchangeName, String queueName, String routingKey, Map<String, Object> arguments,
                          Object requester) {
        synchronized (topologyLock) {
            Queue queue = existingQueue(queueName, requester);
            bind(bindableSource(exchangeName), queue, routingKey, arguments);
        }
    }

    /** The bindings that lead to the queue, a copy; none if there is no such queue. */
    public List<Binding> bindingsTo(String queueName) {
        synchronized (topologyLock) {
            Queue queue = queues.get(queueName);
            return queue == null ? List.of() : queue.incomingBindings().snapshot();
        }
    }

    /** Unbinding from or to something that does not exist succeeds, as in RabbitMQ: there is no such binding. */
    public void unbindQueue(String exchangeName, String queueName, String routingKey, Map<String, Object> arguments,
                            Object requester) {
        refuseDefaultExchange(exchangeName);
        synchronized (topologyLock) {
            Queue queue = queues.get(queueName);
            Exchange source = exchanges.get(exchangeName);
            if (queue != null && source != null) {
                checkAccessibleBy(queue, requester);
                unbind(source, queue, routingKey, arguments);
            }
        }
    }

    public void bindExchange(String sourceName, String destinationName, String routingKey,
                             Map<String, Object> arguments) {
        synchronized (topologyLock) {
            Exchange destination = bindableSource(destinationName);
            bind(bindableSource(sourceName), destination, routingKey, arguments);
        }
    }

    /** Unbinding from or to an exchange that does not exist succeeds, as in RabbitMQ. */
    public void unbindExchange(String sourceName, String destinationName, String routingKey,
                               Map<String, Object> arguments) {
        refuseDefaultExchange(destinationName);
        refuseDefaultExchange(sourceName);
        synchronized (topologyLock) {
            Exchange destination = exchanges.get(destinationName);
            Exchange source = exchanges.get(sourceName);
            if (destination != null && source != null) {
                unbind(source, destination, routingKey, arguments);
            }
        }
    }

    private Exchange bindableSource(String exchangeName) {
        refuseDefaultExchange(exchangeName);
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
     * order) without writing them again. A binding whose end is gone is forgotten; a definition the broker refuses
     * (one stored before a rule it breaks) is set aside for the operator and the rest still comes back. Returns the
     * queues by store id.
     */
    public Map<Long, Queue> restore(List<Definition> definitions, Map<QueueDefinition, Long> queueIds) {
        Map<Long, Queue> restored = new HashMap<>();
        synchronized (topologyLock) {
            for (Definition definition : definitions) {
                if (definition instanceof ExchangeDefinition exchange && exchange.vhost().equals(name)) {
                    restoreOrSetAside(exchange, () -> exchanges.put(exchange.name(),
                            ExchangeFactory.create(exchange.name(), exchange.type(), new ExchangeSettings(true,
                                    exchange.autoDelete(), exchange.internal(), exchange.arguments()))));
                }
            }
            for (Definition definition : definitions) {
                if (definition instanceof PolicyDefinition policy && policy.vhost().equals(name)) {
                    restoreOrSetAside(policy, () -> policies.put(policy.name(), new Policy(policy.name(),
                            policy.pattern(), Policy.ApplyTo.parse(policy.applyTo()), policy.priority(),
                            policy.definition())));
                }
            }
            for (Definition definition : definitions) {
                if (definition instanceof QueueDefinition queue && queue.vhost().equals(name)) {
                    restoreOrSetAside(queue, () -> {
                        Queue created = createQueue(queue.name(),
                                new QueueSettings(true, null, queue.autoDelete(), queue.arguments()), null);
                        long queueId = queueIds.get(queue);
                        durableQueueIds.put(created, queueId);
                        restored.put(queueId, created);
                        // Its limits come back with its stored overrides below; only which policy it carries is noted.
                        Policy winner = winningPolicy(created.name());
                        if (winner != null) {
                            queuePolicies.put(created, winner);
                        }
                    });
                }
            }
            for (Definition definition : definitions) {
                if (definition instanceof QueueLimitsDefinition limits && limits.vhost().equals(name)) {
                    restoreOrSetAside(limits, () -> restoreLimits(limits));
                }
            }
            for (Definition definition : definitions) {
                if (definition instanceof BindingDefinition binding && binding.vhost().equals(name)) {
                    restoreOrSetAside(binding, () -> restoreBinding(binding));
                }
            }
        }
        return restored;
    }

    private void restoreOrSetAside(Definition definition, Runnable restore) {
        try {
            restore.run();
        } catch (RuntimeException refused) {
            String kept = storage.definitions().quarantine(definition, String.valueOf(refused.getMessage()));
            LOG.error("Skipped stored definition {} in vhost '{}': {}; kept in {}", definition.identity(), name,
                    refused.getMessage(), kept, refused);
        }
    }

    /**
     * Lays stored limit overrides over their recovered queue before its messages are restored (the queue's owner
     * runs tasks in order); overrides of a queue that is gone, or of an earlier queue of that name, are forgotten.
     */
    private void restoreLimits(QueueLimitsDefinition limits) {
        Queue queue = queues.get(limits.queue());
        if (queue == null || !Long.valueOf(limits.queueId()).equals(durableQueueIds.get(queue))) {
            LOG.warn("Dropping stored limits of queue '{}' in vhost '{}': the queue they were set on is gone",
                    limits.queue(), name);
            storage.definitions().remove(limits);
            return;
        }
        queue.overrideLimits(limits.overrides(), QueueArguments.parse(limits.queue(), name,
                QueueArguments.overridden(queue.settings().arguments(), limits.overrides())));
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

    /** The first difference RabbitMQ reports for a redeclared exchange, or null if the declaration is equivalent. */
    private String inequivalence(Exchange existing, ExchangeType type, ExchangeSettings settings) {
        String resource = "exchange '" + existing.name() + "' in vhost '" + name + "'";
        if (existing.type() != type) {
            return inequivalentArg("type", resource, "'" + type.wireName() + "'",
                    "'" + existing.type().wireName() + "'");
        }
        ExchangeSettings current = existing.settings();
        String flag = flagDifference(current.durable(), settings.durable(), current.autoDelete(),
                settings.autoDelete(), resource);
        if (flag != null) {
            return flag;
        }
        if (current.internal() != settings.internal()) {
            return inequivalentArg("internal", resource, "'" + settings.internal() + "'",
                    "'" + current.internal() + "'");
        }
        String alternate = ExchangeSettings.ALTERNATE_EXCHANGE;
        if (!Arguments.sameValue(current.arguments().get(alternate), settings.arguments().get(alternate))) {
            return inequivalentArg(alternate, resource, Arguments.describe(settings.arguments(), alternate),
                    Arguments.describe(current.arguments(), alternate));
        }
        return null;
    }

    /**
     * The first difference RabbitMQ reports for a redeclared queue, or null: the flags, then the arguments, compared
     * by value whatever integer or string type carried them.
     */
    private String inequivalence(Queue existing, QueueSettings settings) {
        String resource = "queue '" + existing.name() + "' in vhost '" + name + "'";
        QueueSettings current = existing.settings();
        String flag = flagDifference(current.durable(), settings.durable(), current.autoDelete(),
                settings.autoDelete(), resource);
        if (flag != null) {
            return flag;
        }
        String argument = Arguments.firstDifference(current.arguments(), settings.arguments());
        return argument == null ? null : inequivalentArg(argument, resource,
                Arguments.describe(settings.arguments(), argument), Arguments.describe(current.arguments(), argument));
    }

    private static String flagDifference(boolean durable, boolean receivedDurable, boolean autoDelete,
                                         boolean receivedAutoDelete, String resource) {
        if (durable != receivedDurable) {
            return inequivalentArg("durable", resource, "'" + receivedDurable + "'", "'" + durable + "'");
        }
        if (autoDelete != receivedAutoDelete) {
            return inequivalentArg("auto_delete", resource, "'" + receivedAutoDelete + "'", "'" + autoDelete + "'");
        }
        return null;
    }

    private static String inequivalentArg(String argument, String resource, String received, String current) {
        return "inequivalent arg '" + argument + "' for " + resource + ": received " + received + " but current is "
                + current;
    }

    private static void refuseDefaultExchange(String exchangeName) {
        if (exchangeName.isEmpty()) {
            throw BrokerException.accessRefused("operation not permitted on the default exchange");
        }
    }
}
