package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One item of a list answer, turned into JSON only once it is answered: at 100,000 queues a list is filtered,
 * counted and paged on names alone, and only the page asked for is built.
 *
 * @param vhost null where the item belongs to no vhost
 */
record ListItem(String name, String vhost, Supplier<JsonNode> json) {
    /** The items of a list built already. */
    static List<ListItem> of(ArrayNode list) {
        List<ListItem> items = new ArrayList<>(list.size());
        for (JsonNode item : list) {
            items.add(new ListItem(item.path("name").asText(), null, () -> item));
        }
        return items;
    }
}
