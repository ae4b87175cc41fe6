package dev.junction.bench;

import dev.junction.core.topic.TopicSyntax;
import dev.junction.core.topic.TopicTrie;
import java.util.SplittableRandom;

/**
 * A device fleet's MQTT subscriptions: sites of {@value #DEVICES_PER_SITE} devices, subscription k belonging to
 * client k. Most clients watch their own device ({@code site/<s>/device/<d>/+}), some everything below it
 * ({@code .../#}), some a site dashboard ({@code site/<s>/#}), some the alarms of one device index of
 * any kind in their site ({@code site/<s>/+/<d>/alarm}). Every site has the same mix, so the number of subscribers
 * a publish reaches does not depend on the fleet's size. Used in-process by the JMH benchmark and over the wire by
 * the load generator's {@code tree} scenario.
 */
public final class DeviceFleet {
    public static final int DEVICES_PER_SITE = 1_000;
    private static final String[] METRICS = {"temperature", "status", "alarm", "battery"};

    /** A connected client; only its identity matters to the trie. */
    record Client(int id) {
    }

    private DeviceFleet() {
    }

    public static String filter(int subscription) {
        int site = subscription / DEVICES_PER_SITE;
        int device = subscription % DEVICES_PER_SITE;
        if (subscription % 100 == 0) {
            return "site/" + site + "/#";
        }
        if (subscription % 100 == 1) {
            return "site/" + site + "/+/" + device + "/alarm";
        }
        if (subscription % 10 == 2) {
            return "site/" + site + "/device/" + device + "/#";
        }
        return "site/" + site + "/device/" + device + "/+";
    }

    static Client[] clients(int subscriptions) {
        Client[] clients = new Client[subscriptions];
        for (int i = 0; i < subscriptions; i++) {
            clients[i] = new Client(i);
        }
        return clients;
    }

    static TopicTrie<Client> subscribe(Client[] clients) {
        TopicTrie<Client> trie = new TopicTrie<>(TopicSyntax.MQTT);
        for (Client client : clients) {
            trie.subscribe(filter(client.id()), client);
        }
        return trie;
    }

    /**
     * Telemetry from {@code publishingDevices} devices picked at random across the fleet (all of them when it is at
     * least the fleet's size), so each publish has subscribers.
     */
    public static String[] publishes(int subscriptions, int publishingDevices, int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] devices = random.ints(Math.min(publishingDevices, subscriptions), 0, subscriptions).toArray();
        String[] topics = new String[count];
        for (int i = 0; i < count; i++) {
            int device = devices.length == subscriptions ? random.nextInt(subscriptions)
                    : devices[random.nextInt(devices.length)];
            topics[i] = "site/" + device / DEVICES_PER_SITE + "/device/" + device % DEVICES_PER_SITE
                    + "/" + METRICS[random.nextInt(METRICS.length)];
        }
        return topics;
    }
}
