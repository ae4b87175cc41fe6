package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttQos;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The MQTT load generator's command line: runs scenarios one after the other against one broker, each printing a
 * {@code RESULT} line. One JVM for all of them keeps the generator's start-up and JIT warm-up out of the totals.
 * Throughput scenarios run a warm-up of a fifth of the messages on fresh connections first, since a JIT-compiled
 * broker would otherwise be measured partly interpreted.
 */
@Command(name = "mqtt-load", mixinStandardHelpOptions = true,
        description = "MQTT 3.1.1 and 5 load generator: throughput, fan-out, fan-in, latency, idle connections, MQTT to AMQP "
                + "and back, a large topic tree, shared subscription fairness.")
public final class MqttLoad implements Callable<Integer> {

    enum Scenario { QOS0, QOS1, QOS2, FANOUT, FANIN, LATENCY, IDLE, MQTT_TO_AMQP, AMQP_TO_MQTT, TREE, SHARED }

    @Option(names = "--run", required = true, paramLabel = "SCENARIO=COUNT",
            description = "a scenario (${COMPLETION-CANDIDATES}) and its messages (throughput, latency), "
                    + "connections (idle) or subscriptions (tree); repeat it to run several in order")
    Map<Scenario, Integer> runs;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", defaultValue = "1883")
    int port;

    @Option(names = "--broker-pid", defaultValue = "0",
            description = "broker process id, for its CPU time and memory from /proc (0: not measured)")
    long brokerPid;

    @Option(names = "--seconds", defaultValue = "60", description = "deadline for each phase")
    int seconds;

    @Option(names = "--stall-seconds", defaultValue = "5",
            description = "ends a phase after this long without a delivery or a CONNACK")
    int stallSeconds;

    @Option(names = "--qos", defaultValue = "0", description = "QoS of fan-out, fan-in and cross-protocol runs (the MQTT side)")
    int qos;

    @Option(names = "--latency-qos", defaultValue = "1", description = "QoS of latency runs")
    int latencyQos;

    @Option(names = "--clients", defaultValue = "100",
            description = "subscribers of fan-out, publishers of fan-in")
    int fanClients;

    @Option(names = "--shared-members", defaultValue = "4",
            description = "shared run: members of the $share group")
    int sharedMembers;

    @Option(names = "--shared-publishers", defaultValue = "10",
            description = "shared run: publishers into the group, one topic each")
    int sharedPublishers;

    @Option(names = "--payload", defaultValue = "64", description = "bytes per message, at least 8")
    int payloadSize;

    @Option(names = "--window", defaultValue = "500",
            description = "messages published and not yet received, at most; the default stays below "
                    + "Mosquitto's max_queued_messages (1000), beyond which it drops even QoS 1 messages")
    int window;

    @Option(names = "--inflight", defaultValue = "20",
            description = "unacknowledged QoS 1/2 publishes per publishing connection, at most; Mosquitto "
                    + "stops answering QoS 2 publishes beyond its max_inflight_messages (20)")
    int maxInFlight;

    @Option(names = "--rate", defaultValue = "1000", description = "messages per second of the latency run")
    int rate;

    @Option(names = "--warmup-messages", defaultValue = "2000",
            description = "latency run: first messages left out of the percentiles")
    int warmupMessages;

    @Option(names = "--connect-concurrency", defaultValue = "100", description = "handshakes in progress, at most")
    int connectConcurrency;

    @Option(names = "--idle-hold-seconds", defaultValue = "0",
            description = "keeps idle connections open this long after measuring, to inspect the broker")
    int idleHoldSeconds;

    @Option(names = "--amqp-uri", defaultValue = "amqp://guest:guest@127.0.0.1:5672",
            description = "the AMQP side of the cross-protocol runs")
    URI amqpUri;

    @Option(names = "--persistent-sessions",
            description = "CONNECT with clean session 0: the broker stores QoS 1 and 2 messages for the subscribers")
    boolean persistentSessions;

    @Option(names = "--mqtt-version", defaultValue = "3.1.1", paramLabel = "3.1.1|5",
            description = "protocol level of every connection; MQTT 5 runs report their scenarios as v5-<scenario>")
    String mqttVersion;

    @Option(names = "--topic-alias",
            description = "MQTT 5: publishers send each topic once with an alias, then the alias alone; subscribers "
                    + "accept up to " + ReceivedTopicAliases.DECLARED_MAXIMUM + " aliases from the broker "
                    + "(scenarios reported as v5-<scenario>-alias)")
    boolean topicAliases;

    @Option(names = "--threads", defaultValue = "2", description = "event loop threads of the generator")
    int threads;

    @Option(names = "--tree-clients", defaultValue = "100",
            description = "tree run: subscriber connections the subscriptions are spread over (more than 10)")
    int treeClients;

    @Option(names = "--tree-filters-per-subscribe", defaultValue = "100",
            description = "tree run: topic filters in one SUBSCRIBE packet")
    int treeFiltersPerSubscribe;

    @Option(names = "--tree-subscribes-outstanding", defaultValue = "8",
            description = "tree run: SUBSCRIBE packets without a SUBACK per connection, at most")
    int treeSubscribesOutstanding;

    @Option(names = "--tree-publishes", defaultValue = "50000",
            description = "tree run: QoS 0 publishes to random fleet topics, measured (a fifth more run first as a warm-up)")
    int treePublishes;

    @Option(names = "--subscribe-seconds", defaultValue = "120", description = "tree run: deadline for subscribing")
    int subscribeSeconds;

    @Option(names = "--subscribe-stall-seconds", defaultValue = "30",
            description = "tree run: ends subscribing after this long without a SUBACK (a broker answers the first "
                    + "only after every connection's pipelined SUBSCRIBEs ahead of it)")
    int subscribeStallSeconds;

    @Override
    public Integer call() throws Exception {
        if (payloadSize < LoadClient.MIN_PAYLOAD) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--payload must be at least 8");
        }
        ClientOptions client = clientOptions();
        LoadSettings settings = new LoadSettings(new InetSocketAddress(host, port), brokerPid, threads, payloadSize,
                window, maxInFlight, client, new Phase(Duration.ofSeconds(seconds), Duration.ofSeconds(stallSeconds)));
        int failed = 0;
        for (Map.Entry<Scenario, Integer> run : runs.entrySet()) {
            Result result;
            try {
                result = run(run.getKey(), run.getValue(), settings);
            } catch (Exception | Error e) {
                // One broker failing one scenario must not cost the comparison the others.
                e.printStackTrace();
                result = new Result(run.getKey().name().toLowerCase(Locale.ROOT)).put("failed", 1)
                        .put("error", String.valueOf(e).replaceAll("\\s+", "_"));
            }
            if (client.version().isMqtt5()) {
                result.put("scenario", "v5-" + result.get("scenario") + (client.topicAliases() ? "-alias" : ""));
            }
            // The command line's writer (standard output unless a test sets another).
            spec.commandLine().getOut().println(result.line());
            spec.commandLine().getOut().flush();
            failed += "false".equals(result.get("complete")) || result.get("failed") != null ? 1 : 0;
        }
        return failed == 0 ? 0 : 2;
    }

    private ClientOptions clientOptions() {
        switch (mqttVersion) {
            case "3.1.1" -> {
                if (topicAliases) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--topic-alias needs --mqtt-version 5");
                }
                return ClientOptions.mqtt311(!persistentSessions);
            }
            case "5" -> {
                return ClientOptions.mqtt5(!persistentSessions, topicAliases);
            }
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--mqtt-version is 3.1.1 or 5, not " + mqttVersion);
        }
    }

    private Result run(Scenario scenario, int count, LoadSettings settings) throws Exception {
        return switch (scenario) {
            case QOS0, QOS1, QOS2 -> throughput(ThroughputScenario.oneToOne(MqttQos.of(scenario.ordinal())),
                    settings, count);
            case FANOUT -> throughput(ThroughputScenario.fanOut(fanClients, MqttQos.of(qos)), settings, count);
            case FANIN -> throughput(ThroughputScenario.fanIn(fanClients, MqttQos.of(qos)), settings, count);
            case LATENCY -> new LatencyScenario(rate, warmupMessages, MqttQos.of(latencyQos)).run(settings, count);
            case IDLE -> new IdleConnectionsScenario(count, connectConcurrency,
                    Duration.ofSeconds(idleHoldSeconds)).run(settings);
            case TREE -> new TopicTreeScenario(count, treeClients, treeFiltersPerSubscribe, treeSubscribesOutstanding,
                    treePublishes, new Phase(Duration.ofSeconds(subscribeSeconds), Duration.ofSeconds(subscribeStallSeconds)))
                    .run(settings);
            case SHARED -> {
                SharedGroupScenario shared = new SharedGroupScenario(sharedMembers, sharedPublishers, MqttQos.of(qos));
                shared.run(settings, Math.max(count / 5, 1));
                yield shared.run(settings, count);
            }
            case MQTT_TO_AMQP, AMQP_TO_MQTT -> {
                CrossProtocolScenario cross = new CrossProtocolScenario(scenario.name().toLowerCase(Locale.ROOT),
                        scenario == Scenario.MQTT_TO_AMQP, MqttQos.of(qos), amqpUri);
                cross.run(settings, Math.max(count / 5, 1));
                yield cross.run(settings, count);
            }
        };
    }

    private static Result throughput(ThroughputScenario scenario, LoadSettings settings, int messages)
            throws Exception {
        scenario.run(settings, Math.max(messages / 5, 1));
        return scenario.run(settings, messages);
    }

    /** The command line as {@link #main} runs it. */
    static CommandLine commandLine() {
        return new CommandLine(new MqttLoad()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
