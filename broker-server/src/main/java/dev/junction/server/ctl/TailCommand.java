package dev.junction.server.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code tail TOPIC}: prints the messages routed to an AMQP topic pattern, from either protocol, as they pass,
 * one line each, through the management API's streaming {@code /api/tail}.
 */
@Command(name = "tail", description = {"Prints messages live as they are routed to TOPIC, an AMQP topic pattern "
        + "('*' one word, '#' any words, '.' between words) on the MQTT exchange unless --exchange is given.",
        "MQTT topic 'a/b' is routing key 'a.b'. Ends after --count messages, or on Ctrl-C."})
final class TailCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParentCommand
    JunctionCtl ctl;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC", description = "e.g. 'sensors.#'")
    String topic;

    @Option(names = "--vhost", paramLabel = "V", description = "Default: the MQTT vhost.")
    String vhost;

    @Option(names = "--exchange", paramLabel = "X", description = "A topic exchange; default: the MQTT exchange.")
    String exchange;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N messages (default: until interrupted).")
    int count;

    @Override
    public Integer call() {
        if (count < 0) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "--count must not be negative, was " + count);
        }
        StringBuilder path = new StringBuilder("/api/tail?topic=").append(ManagementClient.segment(topic));
        if (vhost != null) {
            path.append("&vhost=").append(ManagementClient.segment(vhost));
        }
        if (exchange != null) {
            path.append("&exchange=").append(ManagementClient.segment(exchange));
        }
        if (count > 0) {
            path.append("&count=").append(count);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Stream<String> lines = ctl.client().lines(path.toString())) {
            Iterator<String> it = lines.iterator();
            int printed = 0;
            while ((count == 0 || printed < count) && it.hasNext()) {
                String line = it.next();
                if (!line.isBlank()) {
                    out.println(describe(line));
                    out.flush();
                    printed++;
                }
            }
        }
        return JunctionCtl.EXIT_OK;
    }

    /** {@code routing-key [properties] payload}: the payload as text when it is UTF-8, else as base64. */
    static String describe(String line) {
        JsonNode message;
        try {
            message = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new CtlException(JunctionCtl.EXIT_FAILURE, "the broker sent a line that is no JSON: " + line);
        }
        StringBuilder text = new StringBuilder(message.path("routing_key").asText());
        JsonNode properties = message.path("properties");
        if (properties.size() > 0) {
            text.append(' ').append(properties);
        }
        text.append(' ');
        if (message.path("payload_encoding").asText().equals("base64")) {
            text.append("base64:");
        }
        return text.append(message.path("payload").asText()).toString();
    }
}
