package dev.junction.server.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code status}: product and version, listeners, and what the broker holds now. */
@Command(name = "status", description = "Shows the broker's version, listeners and totals.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        JsonNode overview = ctl.client().get("/api/overview");
        PrintWriter out = spec.commandLine().getOut();
        out.println(overview.path("product_name").asText() + " " + overview.path("product_version").asText());
        for (JsonNode listener : overview.path("listeners")) {
            out.println("listener\t" + listener.path("protocol").asText() + "\t"
                    + listener.path("ip_address").asText() + ":" + listener.path("port").asText());
        }
        JsonNode objects = overview.path("object_totals");
        JsonNode messages = overview.path("queue_totals");
        out.println("connections\t" + objects.path("connections").asText());
        out.println("mqtt_sessions\t" + overview.path("mqtt").path("sessions").asText());
        out.println("vhosts\t" + objects.path("vhosts").asText());
        out.println("exchanges\t" + objects.path("exchanges").asText());
        out.println("queues\t" + objects.path("queues").asText());
        out.println("consumers\t" + objects.path("consumers").asText());
        out.println("messages\t" + messages.path("messages").asText());
        out.println("messages_ready\t" + messages.path("messages_ready").asText());
        out.println("messages_unacknowledged\t" + messages.path("messages_unacknowledged").asText());
        out.flush();
        return JunctionCtl.EXIT_OK;
    }
}
