package dev.junction.bench.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A scenario's figures in the order they were added. Printed as one {@code RESULT key=value ...} line that
 * bench/scripts/compare.sh parses, so keys never contain spaces and values are plain numbers or words.
 */
final class Result {
    private final Map<String, String> values = new LinkedHashMap<>();

    Result(String scenario) {
        put("scenario", scenario);
    }

    Result put(String key, String value) {
        values.put(key, value);
        return this;
    }

    Result put(String key, long value) {
        return put(key, Long.toString(value));
    }

    Result put(String key, double value) {
        return put(key, String.format("%.2f", value));
    }

    String get(String key) {
        return values.get(key);
    }

    String line() {
        return values.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" ", "RESULT ", ""));
    }
}
