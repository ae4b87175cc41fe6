package dev.junction.bench;

import dev.junction.bench.DeviceFleet.Client;
import dev.junction.core.topic.TopicTrie;
import java.util.Arrays;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Prints the exact retained size of a trie holding the device fleet's subscriptions, per subscription, and how many
 * subscribers the benchmark's publishes from all devices reach on average (its fan-out, for reading its throughput). The clients
 * exist outside the trie in a broker (they are its sessions), so their own size is subtracted; everything the trie
 * allocates (nodes, words, child tables, subscriber arrays) is counted.
 * Run: {@code java -cp bench/target/benchmarks.jar dev.junction.bench.TopicTrieFootprint [sizes...]}
 */
public final class TopicTrieFootprint {
    private TopicTrieFootprint() {
    }

    public static void main(String[] args) {
        int[] sizes = args.length == 0 ? new int[] {1_000, 100_000, 1_000_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println(VM.current().details());
        System.out.printf("%13s %16s %16s %10s %16s%n",
                "subscriptions", "trie bytes", "clients bytes", "bytes/sub", "visits/publish");
        for (int size : sizes) {
            Client[] clients = DeviceFleet.clients(size);
            TopicTrie<Client> trie = DeviceFleet.subscribe(clients);
            // JOL reads record fields (the trie's subscriber groups, Client) only with -Djol.magicFieldOffset=true.
            long total = GraphLayout.parseInstance(trie).totalSize();
            long clientsOnly = GraphLayout.parseInstance((Object) clients).totalSize() - VM.current().sizeOf(clients);
            long trieOnly = total - clientsOnly;
            System.out.printf("%13d %16d %16d %10.1f %16.2f%n", trie.subscriptionCount(), trieOnly, clientsOnly,
                    (double) trieOnly / trie.subscriptionCount(), visitsPerPublish(trie, size));
        }
    }

    private static double visitsPerPublish(TopicTrie<Client> trie, int size) {
        String[] publishes = DeviceFleet.publishes(size, size, TopicTrieBenchmark.PUBLISHES, TopicTrieBenchmark.SEED);
        long[] visits = {0};
        for (String topic : publishes) {
            trie.match(topic, client -> visits[0]++);
        }
        return (double) visits[0] / publishes.length;
    }
}
