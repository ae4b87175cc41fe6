package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.bench.LoopbackJunction;
import dev.junction.server.JunctionServer;
import dev.junction.server.net.Protocol;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The MQTT 5 runs against a Junction in this JVM. The topic alias tests skip themselves until Junction's CONNACK
 * grants aliases.
 */
class Mqtt5ScenariosAgainstJunctionTest extends Mqtt5ScenariosTest {
    @TempDir
    static Path dataDir;
    static JunctionServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackJunction.start(dataDir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theCommandLineRunsMqtt5AndNamesItsResultsSo() {
        StringWriter out = new StringWriter();
        CommandLine command = MqttLoad.commandLine().setOut(new PrintWriter(out));
        int exit = command.execute("--port", Integer.toString(broker().getPort()), "--mqtt-version", "5",
                "--run", "qos1=200", "--run", "fanin=200", "--clients", "3", "--qos", "1");
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().startsWith("RESULT scenario=v5-qos1 "), out.toString());
        assertTrue(out.toString().contains("\nRESULT scenario=v5-fanin "), out.toString());
    }

    @Test
    void topicAliasesNeedMqtt5AndTheVersionIsOneOfTwo() {
        String port = Integer.toString(broker().getPort());
        for (String[] wrong : new String[][] {{"--topic-alias"}, {"--mqtt-version", "4"}}) {
            StringWriter err = new StringWriter();
            CommandLine command = MqttLoad.commandLine().setErr(new PrintWriter(err));
            String[] args = {"--port", port, "--run", "qos0=10", wrong[0], wrong.length > 1 ? wrong[1] : "--"};
            assertEquals(2, command.execute(args), "a usage error, not a run: " + err);
            assertTrue(err.toString().contains("--mqtt-version"), err.toString());
        }
    }

    @Override
    InetSocketAddress broker() {
        return new InetSocketAddress("127.0.0.1", server.port(Protocol.MQTT));
    }

    @Override
    long brokerPid() {
        return ProcessHandle.current().pid();
    }
}
