package dev.junction.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The management API's one JSON mapper, and the conversions between JSON and AMQP field-table values. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** A request body that must be one JSON object; an empty body counts as {@code {}}. */
    static ObjectNode parseObject(String body) {
        if (body.isBlank()) {
            return object();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("body is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest("body must be a JSON object");
        }
        return object;
    }

    /** A request body that must be one JSON object and nothing else: an empty or blank body is refused. */
    static ObjectNode parseRequiredObject(String body) {
        if (body.isBlank()) {
            throw ApiError.badRequest("body must be a JSON object; it is empty");
        }
        return parseObject(body);
    }

    static String text(ObjectNode body, String field, String fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw ApiError.badRequest("'" + field + "' must be a string");
        }
        return node.asText();
    }

    static boolean flag(ObjectNode body, String field, boolean fallback) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        // rabbitmqadmin and some HTML forms send flags as the strings "true" and "false".
        if (node.isTextual() && (node.asText().equals("true") || node.asText().equals("false"))) {
            return Boolean.parseBoolean(node.asText());
        }
        throw ApiError.badRequest("'" + field + "' must be true or false");
    }

    static int integer(ObjectNode body, String field, int fallback, int min, int max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        long value;
        if (node.canConvertToLong() && node.isIntegralNumber()) {
            value = node.longValue();
        } else if (node.isTextual() && node.asText().matches("-?\\d{1,10}")) {
            value = Long.parseLong(node.asText());
        } else {
            throw ApiError.badRequest("'" + field + "' must be an integer");
        }
        if (value < min || value > max) {
            throw ApiError.badRequest("'" + field + "' must be in " + min + ".." + max + ", was " + value);
        }
        return (int) value;
    }

    /** A field-table argument map from the body's {@code field}: strings, integers, booleans, nested tables. */
    static Map<String, Object> arguments(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw ApiError.badRequest("'" + field + "' must be a JSON object");
        }
        return table(node);
    }

    private static Map<String, Object> table(JsonNode object) {
        Map<String, Object> table = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            table.put(entry.getKey(), fieldValue(entry.getValue()));
        }
        return table;
    }

    private static Object fieldValue(JsonNode node) {
        if (node.isObject()) {
            return table(node);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(fieldValue(element)));
            return list;
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            if (!node.canConvertToLong()) {
                throw ApiError.badRequest("argument value " + node.asText() + " does not fit in 64 bits");
            }
            return node.longValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        return node.asText();
    }

    /**
     * A field-table value as JSON. AMQP long strings arrive as the codec's own type and are shown as text; byte
     * arrays as base64, as Jackson writes them.
     */
    static JsonNode tableValue(Object value) {
        return MAPPER.valueToTree(plain(value));
    }

    static ObjectNode table(Map<String, Object> arguments) {
        ObjectNode node = object();
        arguments.forEach((key, value) -> node.set(key, tableValue(value)));
        return node;
    }

    /** The same bytes for equal tables, whatever order their keys were put in. */
    static byte[] canonicalBytes(Map<String, Object> arguments) {
        try {
            return MAPPER.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .writeValueAsBytes(plain(arguments));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("field table not serialisable as JSON", e);
        }
    }

    private static Object plain(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean || value instanceof String
                || value instanceof byte[]) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, element) -> copy.put(String.valueOf(key), plain(element)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Json::plain).toList();
        }
        return value.toString();
    }
}
