package dev.junction.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code list connections|sessions|queues|exchanges|users|permissions|policies}: one tab-separated line per object, under a header
 * line.
 */
@Command(name = "list", description = "Lists connections, MQTT sessions, queues, exchanges, users, permissions or policies.")
final class ListCommand implements Callable<Integer> {
    private static final String NONE = "-";

    enum What {
        CONNECTIONS("/api/connections", List.of("name", "protocol", "user", "peer_host", "peer_port", "state")),
        SESSIONS("/api/mqtt/sessions", List.of("client_id", "clean_session", "connected", "messages_queued",
                "messages_in_flight", "user", "last_connected")),
        QUEUES("/api/queues", List.of("vhost", "name", "messages", "messages_ready", "messages_unacknowledged",
                "consumers", "durable", "auto_delete", "exclusive")),
        EXCHANGES("/api/exchanges", List.of("vhost", "name", "type", "durable", "auto_delete", "internal")),
        USERS("/api/users", List.of("name", "tags")),
        PERMISSIONS("/api/permissions", List.of("vhost", "user", "configure", "write", "read")),
        POLICIES("/api/policies", List.of("vhost", "name", "pattern", "apply-to", "priority", "definition"));

        private final String path;
        private final List<String> columns;

        What(String path, List<String> columns) {
            this.path = path;
            this.columns = columns;
        }
    }

    /** The largest page the broker answers, as in RabbitMQ. */
    private static final int PAGE_SIZE = 500;

    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "WHAT", description = "connections, sessions, queues, exchanges, users, permissions or policies")
    What what;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(String.join("\t", what.columns));
        // Page by page, as the broker answers a long list only so; each page holds just the columns printed.
        String columns = String.join(",", what.columns);
        int pageCount = 1;
        for (int page = 1; page <= pageCount; page++) {
            JsonNode answer = ctl.client().get(what.path + "?page=" + page + "&page_size=" + PAGE_SIZE
                    + "&columns=" + columns);
            for (JsonNode item : answer.path("items")) {
                out.println(String.join("\t", what.columns.stream().map(column -> cell(item.path(column))).toList()));
            }
            pageCount = answer.path("page_count").asInt();
        }
        out.flush();
        return JunctionCtl.EXIT_OK;
    }

    /**
     * Arrays comma-separated, objects (a policy's definition) as compact JSON; a value the API leaves null or out
     * (an anonymous client's user) as {@code -}.
     */
    private static String cell(JsonNode value) {
        if (value.isNull() || value.isMissingNode()) {
            return NONE;
        }
        if (value.isArray()) {
            StringBuilder joined = new StringBuilder();
            value.forEach(element -> joined.append(joined.length() == 0 ? "" : ",").append(element.asText()));
            return joined.toString();
        }
        return value.isObject() ? value.toString() : value.asText();
    }
}
