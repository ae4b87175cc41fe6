package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttQos;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The MQTT load generator's command line: runs one scenario against one broker and prints a {@code RESULT} line.
 * Throughput scenarios run a warm-up of a fifth of the messages on fresh connections first, since a JIT-compiled
 * broker (and this generator) would otherwise be measured partly interpreted.
 */
@Command(name = "mqtt-load", mixinStandardHelpOptions = true,
        description = "MQTT 3.1.1 load generator: throughput, fan-out, fan-in, latency, idle connections.")
public final class MqttLoad implements Callable<Integer> {

    enum Scenario { QOS0, QOS1, QOS2, FANOUT, FANIN, LATENCY, IDLE }

    @Option(names = "--scenario", required = true, description = "one of ${COMPLETION-CANDIDATES}")
    Scenario scenario;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    String host;

    @Option(names = "--port", defaultValue = "1883")
    int port;

    @Option(names = "--broker-pid", defaultValue = "0",
            description = "broker process id, for its CPU time and memory from /proc (0: not measured)")
    long brokerPid;

    @Option(names = "--messages", defaultValue = "200000",
            description = "messages published (throughput), or measured (latency)")
    int messages;

    @Option(names = "--seconds", defaultValue = "60", description = "deadline for each phase")
    int seconds;

    @Option(names = "--stall-seconds", defaultValue = "5",
            description = "ends a phase after this long without a delivery or a CONNACK")
    int stallSeconds;

    @Option(names = "--qos", defaultValue = "0", description = "QoS of fan-out, fan-in and latency runs")
    int qos;

    @Option(names = "--clients", defaultValue = "100",
            description = "subscribers of fan-out, publishers of fan-in")
    int fanClients;

    @Option(names = "--payload", defaultValue = "64", description = "bytes per message, at least 8")
    int payloadSize;

    @Option(names = "--window", defaultValue = "500",
            description = "messages published and not yet received, at most")
    int window;

    @Option(names = "--inflight", defaultValue = "20",
            description = "unacknowledged QoS 1/2 publishes per publishing connection, at most")
    int maxInFlight;

    @Option(names = "--rate", defaultValue = "1000", description = "messages per second of the latency run")
    int rate;

    @Option(names = "--warmup-messages", defaultValue = "2000",
            description = "latency run: first messages left out of the percentiles")
    int warmupMessages;

    @Option(names = "--connections", defaultValue = "10000", description = "idle connections to open")
    int connections;

    @Option(names = "--connect-concurrency", defaultValue = "100", description = "handshakes in progress, at most")
    int connectConcurrency;

    @Option(names = "--threads", defaultValue = "2", description = "event loop threads of the generator")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (payloadSize < LoadClient.MIN_PAYLOAD) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--payload must be at least 8");
        }
        LoadSettings settings = new LoadSettings(new InetSocketAddress(host, port), brokerPid, threads, payloadSize,
                window, maxInFlight, new Phase(Duration.ofSeconds(seconds), Duration.ofSeconds(stallSeconds)));
        Result result = switch (scenario) {
            case QOS0, QOS1, QOS2 -> throughput(ThroughputScenario.oneToOne(MqttQos.of(scenario.ordinal())), settings);
            case FANOUT -> throughput(ThroughputScenario.fanOut(fanClients, MqttQos.of(qos)), settings);
            case FANIN -> throughput(ThroughputScenario.fanIn(fanClients, MqttQos.of(qos)), settings);
            case LATENCY -> new LatencyScenario(rate, warmupMessages, MqttQos.of(qos)).run(settings, messages);
            case IDLE -> new IdleConnectionsScenario(connections, connectConcurrency).run(settings);
        };
        System.out.println(result.line());
        return "false".equals(result.get("complete")) ? 2 : 0;
    }

    private Result throughput(ThroughputScenario scenario, LoadSettings settings) throws Exception {
        scenario.run(settings, Math.max(messages / 5, 1));
        return scenario.run(settings, messages);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new MqttLoad()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
