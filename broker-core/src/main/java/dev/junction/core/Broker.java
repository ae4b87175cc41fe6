package dev.junction.core;

import dev.junction.core.thread.ShardGroup;
import dev.junction.core.vhost.VirtualHost;

import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The routing core: virtual hosts and the shard threads that own their queues. Protocol handlers hold one Broker
 * and call into it; it never calls out to a network connection except through the consumer interfaces.
 */
public final class Broker implements AutoCloseable {
    public static final String DEFAULT_VHOST = "/";

    private final ShardGroup shards;
    private final ConcurrentHashMap<String, VirtualHost> vhosts = new ConcurrentHashMap<>();

    public Broker(int shardCount) {
        shards = new ShardGroup(shardCount);
        addVirtualHost(DEFAULT_VHOST);
    }

    /** A broker with one shard per available core. */
    public Broker() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public VirtualHost addVirtualHost(String name) {
        return vhosts.computeIfAbsent(name, n -> new VirtualHost(n, shards));
    }

    /** Returns null where there is no such vhost, so each protocol answers in its own way. */
    public VirtualHost virtualHost(String name) {
        return vhosts.get(name);
    }

    public Collection<VirtualHost> virtualHosts() {
        return vhosts.values();
    }

    @Override
    public void close() throws InterruptedException {
        shards.close();
    }
}
