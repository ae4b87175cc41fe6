package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.bench.DeviceFleet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FleetSubscriptionsTest {
    /** A whole site and part of the next, so that a site cut short by the subscription count is covered too. */
    private static final int SUBSCRIPTIONS = 1_150;
    /** Alarms reach the alarm filters, which no other metric does; the other metrics are alike. */
    private static final String[] METRICS = {"status", "alarm"};

    @ParameterizedTest
    @ValueSource(ints = {11, 37})
    void everyTopicIsOwedOneDeliveryPerMatchingFilterAndNoConnectionHoldsTwoOfThem(int connections) {
        FleetSubscriptions fleet = new FleetSubscriptions(SUBSCRIPTIONS, connections);
        List<String[]> filters = new ArrayList<>();
        for (int k = 0; k < SUBSCRIPTIONS; k++) {
            filters.add(new String[] {DeviceFleet.filter(k), Integer.toString(fleet.connectionOf(k))});
        }
        for (int device = 0; device < SUBSCRIPTIONS; device++) {
            for (String metric : METRICS) {
                String topic = "site/" + device / DeviceFleet.DEVICES_PER_SITE + "/device/"
                        + device % DeviceFleet.DEVICES_PER_SITE + "/" + metric;
                // Every filter of the fleet, not only the candidates the class picks.
                int[] matching = filters.stream().filter(f -> FleetSubscriptions.matches(f[0], topic))
                        .mapToInt(f -> Integer.parseInt(f[1])).sorted().toArray();
                assertEquals(matching.length, Arrays.stream(matching).distinct().count(), topic);
                int[] owed = fleet.connectionsMatching(topic);
                Arrays.sort(owed);
                assertArrayEquals(matching, owed, topic);
            }
        }
    }

    @Test
    void everyFilterIsSubscribedByExactlyOneConnection() {
        FleetSubscriptions fleet = new FleetSubscriptions(SUBSCRIPTIONS, 13);
        List<String> all = new ArrayList<>();
        for (int c = 0; c < 13; c++) {
            List<String> filters = fleet.filtersOf(c);
            assertFalse(filters.isEmpty(), "connection " + c + " has no filter");
            all.addAll(filters);
        }
        Set<String> expected = new HashSet<>();
        for (int k = 0; k < SUBSCRIPTIONS; k++) {
            expected.add(DeviceFleet.filter(k));
        }
        assertEquals(SUBSCRIPTIONS, all.size());
        assertEquals(expected, new HashSet<>(all));
    }

    @Test
    void matchingFollowsTheMqttWildcards() {
        assertTrue(FleetSubscriptions.matches("site/1/#", "site/1"), "# matches its parent level [MQTT-4.7.1-2]");
        assertTrue(FleetSubscriptions.matches("site/1/#", "site/1/device/2/alarm"));
        assertTrue(FleetSubscriptions.matches("site/1/+/2/alarm", "site/1/device/2/alarm"));
        assertFalse(FleetSubscriptions.matches("site/1/+/2/alarm", "site/1/device/2/alarm/x"));
        assertFalse(FleetSubscriptions.matches("site/1/device/2/+", "site/1/device/2"));
        assertFalse(FleetSubscriptions.matches("site/1/device/2/+", "site/1/device/20/status"));
    }

    @Test
    void tenConnectionsCannotSeparateASitesDashboards() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FleetSubscriptions(1000, 10));
        assertTrue(e.getMessage().contains("more than 10 subscriber connections"), e.getMessage());
    }
}
