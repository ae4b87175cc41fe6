package dev.junction.core;

import dev.junction.core.queue.FlowLimits;
import dev.junction.core.queue.Queue;
import dev.junction.core.store.Definition;
import dev.junction.core.store.Definition.PermissionDefinition;
import dev.junction.core.store.Definition.StateRecord;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.core.store.Definition.VirtualHostDefinition;
import dev.junction.core.store.DefinitionStore;
import dev.junction.core.store.MemoryStorage;
import dev.junction.core.store.Recovered;
import dev.junction.core.store.RecoveredMessages;
import dev.junction.core.store.Storage;
import dev.junction.core.thread.ShardGroup;
import dev.junction.core.vhost.VirtualHost;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The routing core: virtual hosts and the shard threads that own their queues. Protocol handlers hold one Broker
 * and call into it; it never calls out to a network connection except through the consumer interfaces.
 */
public final class Broker implements AutoCloseable {
    public static final String DEFAULT_VHOST = "/";
    private static final long SHUTDOWN_WAIT_SECONDS = 5;

    private final ShardGroup shards;
    private final Storage storage;
    private final FlowLimits flowLimits;
    private final ConcurrentHashMap<String, VirtualHost> vhosts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, List<StateRecord>> recoveredState = new ConcurrentHashMap<>();
    private volatile List<Definition> recoveredAccessControl = List.of();

    /**
     * Builds the core over {@code storage} and restores what it kept: definitions first, then every unsettled
     * message into its queues, in order and marked redelivered. The caller opens listeners only after this
     * returns, and closes the storage after closing the broker.
     */
    public Broker(int shardCount, Storage storage) {
        this(shardCount, storage, FlowLimits.NONE);
    }

    /** As {@link #Broker(int, Storage)}, with queues that hold their publishers back beyond {@code flowLimits}. */
    public Broker(int shardCount, Storage storage, FlowLimits flowLimits) {
        this.shards = new ShardGroup(shardCount);
        this.storage = storage;
        this.flowLimits = flowLimits;
        vhosts.put(DEFAULT_VHOST, new VirtualHost(DEFAULT_VHOST, shards, storage, flowLimits));
        restore(storage.takeRecovered());
    }

    /** A broker that stores nothing. */
    public Broker(int shardCount) {
        this(shardCount, new MemoryStorage());
    }

    /** A broker that stores nothing, with one shard per available core. */
    public Broker() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public VirtualHost addVirtualHost(String name) {
        return vhosts.computeIfAbsent(name, n -> {
            storage.definitions().put(new VirtualHostDefinition(n));
            return new VirtualHost(n, shards, storage, flowLimits);
        });
    }

    /** Returns null where there is no such vhost, so each protocol answers in its own way. */
    public VirtualHost virtualHost(String name) {
        return vhosts.get(name);
    }

    public Collection<VirtualHost> virtualHosts() {
        return vhosts.values();
    }

    /** Where protocol handlers keep their own durable state ({@link StateRecord}s). */
    public DefinitionStore definitions() {
        return storage.definitions();
    }

    /** The state records of a namespace that survived the previous run, handed out once. */
    public List<StateRecord> takeRecoveredState(String namespace) {
        List<StateRecord> records = recoveredState.remove(namespace);
        return records == null ? List.of() : records;
    }

    /**
     * The users and permissions ({@link UserDefinition}, {@link PermissionDefinition}) that survived the previous
     * run, handed out once, for the server's user registry.
     */
    public List<Definition> takeRecoveredAccessControl() {
        List<Definition> taken = recoveredAccessControl;
        recoveredAccessControl = List.of();
        return taken;
    }

    private void restore(Recovered recovered) {
        List<Definition> accessControl = new ArrayList<>();
        for (Definition definition : recovered.definitions()) {
            if (definition instanceof VirtualHostDefinition vhost) {
                vhosts.put(vhost.name(), new VirtualHost(vhost.name(), shards, storage, flowLimits));
            } else if (definition instanceof StateRecord state) {
                recoveredState.computeIfAbsent(state.namespace(), namespace -> new ArrayList<>()).add(state);
            } else if (definition instanceof UserDefinition || definition instanceof PermissionDefinition) {
                accessControl.add(definition);
            }
        }
        recoveredAccessControl = List.copyOf(accessControl);
        Map<Long, Queue> queues = new HashMap<>();
        for (VirtualHost vhost : vhosts.values()) {
            queues.putAll(vhost.restore(recovered.definitions(), recovered.queueIds()));
        }
        restore(recovered.messages(), queues);
    }

    /**
     * Hands each queue the positions of its messages, a chunk at a time (no task per message), and lets go of each
     * chunk once the queues have taken it, so that the recovered columns and the queues' paged slots are not both
     * held in full. A queue that is gone settles its share at once.
     */
    private void restore(RecoveredMessages messages, Map<Long, Queue> queues) {
        for (int start = 0; start < messages.size(); start += RecoveredMessages.CHUNK) {
            int end = Math.min(messages.size(), start + RecoveredMessages.CHUNK);
            Map<Queue, Positions> positions = new HashMap<>();
            for (int i = start; i < end; i++) {
                for (long queueId : messages.queueIds(i)) {
                    Queue queue = queues.get(queueId);
                    if (queue == null) {
                        storage.messages().settle(messages.stored(i), queueId);
                    } else {
                        positions.computeIfAbsent(queue, q -> new Positions()).add(i);
                    }
                }
            }
            CompletableFuture.allOf(positions.entrySet().stream()
                    .map(held -> held.getKey().restore(messages, held.getValue().items, held.getValue().count))
                    .toArray(CompletableFuture[]::new)).join();
            messages.discardBefore(end);
        }
    }

    /** The positions of one queue's messages among the recovered ones. */
    private static final class Positions {
        int[] items = new int[16];
        int count;

        void add(int position) {
            if (count == items.length) {
                items = Arrays.copyOf(items, count * 2);
            }
            items[count++] = position;
        }
    }

    @Override
    public void close() throws InterruptedException {
        // Queues that outlive the process (durable ones, persistent MQTT sessions') still hold messages in memory.
        CompletableFuture.allOf(vhosts.values().stream().flatMap(vhost -> vhost.queues().stream())
                .map(Queue::releaseForShutdown).toArray(CompletableFuture[]::new))
                .orTimeout(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS).exceptionally(timedOut -> null).join();
        shards.close();
    }
}
