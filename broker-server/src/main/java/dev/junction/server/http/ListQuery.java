package dev.junction.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * RabbitMQ's query parameters of a list answer: {@code page} and {@code page_size} (at most {@value #MAX_PAGE_SIZE},
 * 100 by default) answer one page as {@code {"items", "page", "page_count", "page_size", "filtered_count",
 * "item_count", "total_count"}}; {@code name} keeps the items whose name contains it, ignoring case, or matches it
 * as a regular expression with {@code use_regex=true}; {@code columns} keeps only the named fields (dotted for
 * nested ones); {@code disable_stats=true} leaves out the message counters. An unpaged list is streamed
 * ({@link JsonListStream}); one longer than the configured cap is refused with a 400 that says how to page, so
 * that no client builds a huge answer by accident.
 */
final class ListQuery {
    static final int MAX_PAGE_SIZE = 500;
    private static final int DEFAULT_PAGE_SIZE = 100;
    /** The counters {@code disable_stats} leaves out; RabbitMQ's rate fields end in {@code _details}. */
    private static final Set<String> STATS = Set.of("message_stats", "messages", "messages_ready",
            "messages_unacknowledged", "message_bytes_ram", "messages_dropped");

    private ListQuery() {
    }

    /**
     * {@code items} as {@code request}'s parameters ask for them: filtered and counted on their names, then built
     * (and shaped) only as far as they are answered.
     */
    static ApiResponse apply(ApiRequest request, List<ListItem> items, int maxUnpagedItems) {
        Predicate<String> byName = nameFilter(request);
        List<ListItem> filtered = items.stream().filter(item -> byName.test(item.name())).toList();
        String page = parameter(request, "page");
        if (page == null) {
            if (filtered.size() > maxUnpagedItems) {
                throw ApiError.badRequest("the list holds " + filtered.size() + " items, more than "
                        + maxUnpagedItems + " are answered unpaged: ask for pages (?page=1&page_size="
                        + MAX_PAGE_SIZE + ")");
            }
            return new ApiResponse(HttpResponseStatus.OK, null,
                    new JsonListStream(filtered, item -> shaped(request, item.json().get())), null);
        }
        return ApiResponse.json(page(request, filtered, items.size(), number(page, "page", Integer.MAX_VALUE)));
    }

    private static ObjectNode page(ApiRequest request, List<ListItem> filtered, int total, int page) {
        String sizeParameter = parameter(request, "page_size");
        int pageSize = sizeParameter == null ? DEFAULT_PAGE_SIZE : number(sizeParameter, "page_size", MAX_PAGE_SIZE);
        int pageCount = (filtered.size() + pageSize - 1) / pageSize;
        if (page > pageCount && !filtered.isEmpty()) {
            throw ApiError.badRequest("page out of range: there are " + pageCount + " pages of " + pageSize);
        }
        int from = (int) Math.min((long) (page - 1) * pageSize, filtered.size());
        ArrayNode items = built(request, filtered.subList(from, Math.min(from + pageSize, filtered.size())));
        ObjectNode answer = Json.object()
                .put("filtered_count", filtered.size())
                .put("item_count", items.size())
                .put("page", page)
                .put("page_count", pageCount)
                .put("page_size", pageSize)
                .put("total_count", total);
        answer.set("items", items);
        return answer;
    }

    private static ArrayNode built(ApiRequest request, List<ListItem> items) {
        ArrayNode list = Json.array();
        items.forEach(item -> list.add(shaped(request, item.json().get())));
        return list;
    }

    private static Predicate<String> nameFilter(ApiRequest request) {
        String name = parameter(request, "name");
        if (name == null || name.isEmpty()) {
            return item -> true;
        }
        if (request.queryFlag("use_regex")) {
            Pattern pattern;
            try {
                pattern = Pattern.compile(name, Pattern.CASE_INSENSITIVE);
            } catch (PatternSyntaxException e) {
                throw ApiError.badRequest("name is not a regular expression: " + e.getDescription());
            }
            return item -> pattern.matcher(item).find();
        }
        String lower = name.toLowerCase();
        return item -> item.toLowerCase().contains(lower);
    }

    private static JsonNode shaped(ApiRequest request, JsonNode item) {
        if (!(item instanceof ObjectNode object)) {
            return item;
        }
        String columns = parameter(request, "columns");
        boolean withoutStats = request.queryFlag("disable_stats");
        if (columns == null && !withoutStats) {
            return item;
        }
        ObjectNode shaped = object.deepCopy();
        if (withoutStats) {
            shaped.properties().removeIf(field -> STATS.contains(field.getKey()) || field.getKey().endsWith("_details"));
        }
        return columns == null ? shaped : columns(shaped, Arrays.asList(columns.split(",")));
    }

    private static ObjectNode columns(ObjectNode item, List<String> columns) {
        ObjectNode kept = Json.object();
        for (String column : columns) {
            String[] path = column.trim().split("\\.");
            JsonNode value = item;
            for (String field : path) {
                value = value.path(field);
            }
            if (value.isMissingNode()) {
                continue;
            }
            ObjectNode parent = kept;
            for (int i = 0; i < path.length - 1 && parent != null; i++) {
                // A column inside another one asked for whole ("a" and "a.b") is in it already.
                parent = parent.has(path[i]) ? (parent.get(path[i]) instanceof ObjectNode nested ? nested : null)
                        : parent.putObject(path[i]);
            }
            if (parent != null) {
                parent.set(path[path.length - 1], value);
            }
        }
        return kept;
    }

    private static String parameter(ApiRequest request, String name) {
        Map<String, List<String>> query = request.query();
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int number(String text, String name, int max) {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name + " must be a whole number, not '" + text + "'");
        }
        if (value < 1 || value > max) {
            throw ApiError.badRequest(name + " must be between 1 and " + max);
        }
        return value;
    }
}
