package dev.junction.core.thread;

/** A fixed set of shards, one per core by default; an owner is pinned to one by the hash of its name. */
public final class ShardGroup implements AutoCloseable {
    private final Shard[] shards;

    public ShardGroup(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("shard count must be at least 1, was " + count);
        }
        shards = new Shard[count];
        for (int i = 0; i < count; i++) {
            shards[i] = new Shard("junction-shard-" + i);
        }
    }

    public Shard shardFor(String ownerName) {
        return shards[Math.floorMod(ownerName.hashCode() * 0x9E3779B9, shards.length)];
    }

    public int size() {
        return shards.length;
    }

    @Override
    public void close() throws InterruptedException {
        for (Shard shard : shards) {
            shard.close();
        }
    }
}
