package dev.junction.bench;

import dev.junction.bench.DeviceFleet.Client;
import dev.junction.core.topic.TopicTrie;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Matches per second of random device-fleet publishes against 1k, 100k and 1M subscriptions. Publishes come either
 * from devices all over the fleet (the trie's paths are mostly cold in the CPU caches at 1M) or from a fixed 1,000
 * of them (paths stay cached), which separates the algorithm's cost from memory latency.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TopicTrieBenchmark {
    /** A power of two, so the next topic is picked with a mask; large enough that branch predictors can't learn it. */
    static final int PUBLISHES = 1 << 16;
    static final long SEED = 42;

    @Param({"1000", "100000", "1000000"})
    public int subscriptions;

    @Param({"1000", "all"})
    public String publishingDevices;

    private TopicTrie<Client> trie;
    private String[] publishes;

    @Setup(Level.Trial)
    public void subscribe() {
        trie = DeviceFleet.subscribe(DeviceFleet.clients(subscriptions));
        publishes = DeviceFleet.publishes(subscriptions,
                publishingDevices.equals("all") ? subscriptions : Integer.parseInt(publishingDevices), PUBLISHES, SEED);;
    }

    /** Per-thread cursor and visitor, so the measured loop allocates nothing itself. */
    @State(Scope.Thread)
    public static class Publisher {
        int next;
        Blackhole blackhole;
        Consumer<Client> deliver;

        @Setup(Level.Trial)
        public void bind(Blackhole blackhole) {
            this.blackhole = blackhole;
            deliver = this.blackhole::consume;
        }
    }

    @Benchmark
    public void match(Publisher publisher) {
        String topic = publishes[publisher.next++ & (PUBLISHES - 1)];
        trie.match(topic, publisher.deliver);
    }
}
