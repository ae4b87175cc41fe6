package dev.junction.bench.mqtt;

import dev.junction.bench.DeviceFleet;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The first {@code subscriptions} filters of {@link DeviceFleet}, spread over {@code connections} connections so
 * that no connection holds two filters matching one publish. MQTT 3.1.1 (section 3.3.5) lets a broker deliver
 * either one copy or one per matching subscription to such a connection (Mosquitto sends one per subscription,
 * RabbitMQ one per connection's queue); without overlaps every broker owes exactly one delivery per matching
 * subscription, and a count that differs is the broker's error.
 *
 * <p>A site's dashboards ({@code site/<s>/#}) match every publish of the site, so each of them gets a connection of
 * its own among that site's subscriptions: dashboard <i>j</i> of site <i>s</i> goes to connection
 * {@code (10 s + j) mod connections}, and the site's other 990 subscriptions, which never match one publish together
 * (one device each), go round the remaining connections. Successive sites shift by ten, which keeps the connections
 * evenly loaded.
 */
final class FleetSubscriptions {
    static final int DASHBOARDS_PER_SITE = 10;
    private static final int DASHBOARD_SPACING = DeviceFleet.DEVICES_PER_SITE / DASHBOARDS_PER_SITE;

    private final int subscriptions;
    private final int connections;
    /** Subscriptions of connection c: {@code bySubscriber[start[c] .. start[c + 1])}. */
    private final int[] bySubscriber;
    private final int[] start;

    FleetSubscriptions(int subscriptions, int connections) {
        if (subscriptions < 1) {
            throw new IllegalArgumentException("the tree needs at least one subscription");
        }
        if (connections <= DASHBOARDS_PER_SITE) {
            throw new IllegalArgumentException("the tree needs more than " + DASHBOARDS_PER_SITE
                    + " subscriber connections: each dashboard of a site needs one apart from the site's devices");
        }
        this.subscriptions = subscriptions;
        this.connections = connections;
        start = new int[connections + 1];
        for (int k = 0; k < subscriptions; k++) {
            start[connectionOf(k) + 1]++;
        }
        Arrays.parallelPrefix(start, Integer::sum);
        bySubscriber = new int[subscriptions];
        int[] next = Arrays.copyOf(start, connections);
        for (int k = 0; k < subscriptions; k++) {
            bySubscriber[next[connectionOf(k)]++] = k;
        }
    }

    int connectionOf(int subscription) {
        int site = subscription / DeviceFleet.DEVICES_PER_SITE;
        int inSite = subscription % DeviceFleet.DEVICES_PER_SITE;
        int base = DASHBOARDS_PER_SITE * site;
        if (inSite % DASHBOARD_SPACING == 0) {
            return (base + inSite / DASHBOARD_SPACING) % connections;
        }
        int devicesBefore = inSite - (inSite / DASHBOARD_SPACING + 1);
        return (base + DASHBOARDS_PER_SITE + devicesBefore % (connections - DASHBOARDS_PER_SITE)) % connections;
    }

    /** The filters of one connection, made on demand: a million of them need not be held as strings. */
    List<String> filtersOf(int connection) {
        int from = start[connection];
        int size = start[connection + 1] - from;
        return new FilterList(from, size);
    }

    /**
     * The connections owed a delivery of a fleet telemetry publish ({@code site/<s>/device/<d>/<metric>}), once
     * each. Only the site's dashboards and the device's own subscription can match such a topic; each candidate is
     * checked against the topic by MQTT's matching rules.
     */
    int[] connectionsMatching(String topic) {
        String[] levels = topic.split("/", -1);
        int site = Integer.parseInt(levels[1]);
        int device = Integer.parseInt(levels[3]);
        int first = site * DeviceFleet.DEVICES_PER_SITE;
        int[] matching = new int[DASHBOARDS_PER_SITE + 1];
        int count = 0;
        for (int j = 0; j < DASHBOARDS_PER_SITE; j++) {
            count = addIfMatching(first + j * DASHBOARD_SPACING, topic, matching, count);
        }
        if (device % DASHBOARD_SPACING != 0) {
            count = addIfMatching(first + device, topic, matching, count);
        }
        return Arrays.copyOf(matching, count);
    }

    private int addIfMatching(int subscription, String topic, int[] matching, int count) {
        if (subscription < subscriptions && matches(DeviceFleet.filter(subscription), topic)) {
            matching[count++] = connectionOf(subscription);
        }
        return count;
    }

    /** MQTT 3.1.1 section 4.7: {@code +} matches one level, a trailing {@code #} any number, its parent included. */
    static boolean matches(String filter, String topic) {
        String[] filterLevels = filter.split("/", -1);
        String[] topicLevels = topic.split("/", -1);
        for (int i = 0; i < filterLevels.length; i++) {
            if (filterLevels[i].equals("#")) {
                return true;
            }
            if (i == topicLevels.length || !filterLevels[i].equals("+") && !filterLevels[i].equals(topicLevels[i])) {
                return false;
            }
        }
        return filterLevels.length == topicLevels.length;
    }

    private final class FilterList extends AbstractList<String> implements RandomAccess {
        private final int from;
        private final int size;

        FilterList(int from, int size) {
            this.from = from;
            this.size = size;
        }

        @Override
        public String get(int index) {
            return DeviceFleet.filter(bySubscriber[from + Objects.checkIndex(index, size)]);
        }

        @Override
        public int size() {
            return size;
        }
    }
}
