package dev.junction.core;

import dev.junction.core.message.Message;
import dev.junction.core.queue.Queue;
import dev.junction.core.store.Definition;
import dev.junction.core.store.Definition.VirtualHostDefinition;
import dev.junction.core.store.MemoryStorage;
import dev.junction.core.store.Recovered;
import dev.junction.core.store.RecoveredMessage;
import dev.junction.core.store.Storage;
import dev.junction.core.thread.ShardGroup;
import dev.junction.core.vhost.VirtualHost;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routing core: virtual hosts and the shard threads that own their queues. Protocol handlers hold one Broker
 * and call into it; it never calls out to a network connection except through the consumer interfaces.
 */
public final class Broker implements AutoCloseable {
    public static final String DEFAULT_VHOST = "/";

    private final ShardGroup shards;
    private final Storage storage;
    private final ConcurrentHashMap<String, VirtualHost> vhosts = new ConcurrentHashMap<>();

    /**
     * Builds the core over {@code storage} and restores what it kept: definitions first, then every unsettled
     * message into its queues, in order and marked redelivered. The caller opens listeners only after this
     * returns, and closes the storage after closing the broker.
     */
    public Broker(int shardCount, Storage storage) {
        this.shards = new ShardGroup(shardCount);
        this.storage = storage;
        vhosts.put(DEFAULT_VHOST, new VirtualHost(DEFAULT_VHOST, shards, storage));
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
            return new VirtualHost(n, shards, storage);
        });
    }

    /** Returns null where there is no such vhost, so each protocol answers in its own way. */
    public VirtualHost virtualHost(String name) {
        return vhosts.get(name);
    }

    public Collection<VirtualHost> virtualHosts() {
        return vhosts.values();
    }

    private void restore(Recovered recovered) {
        for (Definition definition : recovered.definitions()) {
            if (definition instanceof VirtualHostDefinition vhost) {
                vhosts.put(vhost.name(), new VirtualHost(vhost.name(), shards, storage));
            }
        }
        Map<Long, Queue> queues = new HashMap<>();
        for (VirtualHost vhost : vhosts.values()) {
            queues.putAll(vhost.restore(recovered.definitions(), recovered.queueIds()));
        }
        recovered.messages().forEach(message -> restore(message, queues));
    }

    /** Each queue gets its own reference; a queue that is gone settles its share at once. */
    private void restore(RecoveredMessage recovered, Map<Long, Queue> queues) {
        Message message = new Message(recovered.exchange(), recovered.routingKey(), recovered.properties(),
                recovered.body());
        message.stored(recovered.stored());
        for (long queueId : recovered.queueIds()) {
            Queue queue = queues.get(queueId);
            if (queue == null) {
                storage.messages().settle(recovered.stored(), queueId);
            } else {
                queue.restore(message.retain());
            }
        }
        message.release();
    }

    @Override
    public void close() throws InterruptedException {
        shards.close();
    }
}
