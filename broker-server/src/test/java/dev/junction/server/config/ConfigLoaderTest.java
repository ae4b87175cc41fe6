package dev.junction.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void withoutFileOrOverridesEveryKeyHasItsDefault() throws Exception {
        Config config = ConfigLoader.load(null, List.of());
        assertEquals(ListenPort.fixed(1883), config.get(ConfigKeys.MQTT_PORT));
        assertEquals(ListenPort.fixed(5672), config.get(ConfigKeys.AMQP_PORT));
        assertEquals(ListenPort.fixed(15672), config.get(ConfigKeys.HTTP_PORT));
        assertEquals(InetAddress.getByName("0.0.0.0"), config.get(ConfigKeys.BIND));
        assertEquals(Path.of("./data"), config.get(ConfigKeys.DATA_DIR));
        assertEquals(16 * 1024 * 1024, config.get(ConfigKeys.MQTT_MAX_PACKET_SIZE));
        assertEquals(10, config.get(ConfigKeys.MQTT_CONNECT_TIMEOUT));
        assertEquals("INFO", config.get(ConfigKeys.LOG_LEVEL));
        assertEquals(30, config.get(ConfigKeys.SHUTDOWN_TIMEOUT));
        assertFalse(config.isSet(ConfigKeys.LOG_LEVEL));
    }

    @Test
    void fileSetsKeysIgnoringCommentsBlankLinesAndSurroundingWhitespace() throws Exception {
        Path file = write("""
                # Junction test config

                   mqtt.port=1884
                amqp.port   =    0
                \tbind = ::1\t
                data.dir = /var/lib/junction # not a comment: part of the path
                  # indented comment
                log.level = debug
                """);
        Config config = ConfigLoader.load(file, List.of());
        assertEquals(ListenPort.fixed(1884), config.get(ConfigKeys.MQTT_PORT));
        assertEquals(ListenPort.DISABLED, config.get(ConfigKeys.AMQP_PORT));
        assertEquals(InetAddress.getByName("::1"), config.get(ConfigKeys.BIND));
        assertEquals(Path.of("/var/lib/junction # not a comment: part of the path"), config.get(ConfigKeys.DATA_DIR));
        assertEquals("DEBUG", config.get(ConfigKeys.LOG_LEVEL));
        assertTrue(config.isSet(ConfigKeys.LOG_LEVEL));
        assertEquals(ListenPort.fixed(15672), config.get(ConfigKeys.HTTP_PORT), "unset key keeps its default");
    }

    @Test
    void setOverridesTheFileAndLaterSetWins() throws Exception {
        Path file = write("mqtt.port = 1884\nshutdown.timeout = 5\n");
        Config config = ConfigLoader.load(file,
                List.of("mqtt.port=2000", "http.port = ephemeral", "mqtt.port=2001"));
        assertEquals(ListenPort.fixed(2001), config.get(ConfigKeys.MQTT_PORT));
        assertEquals(ListenPort.EPHEMERAL, config.get(ConfigKeys.HTTP_PORT));
        assertEquals(5, config.get(ConfigKeys.SHUTDOWN_TIMEOUT));
    }

    @Test
    void valueMayContainEqualsSign() throws Exception {
        Config config = ConfigLoader.load(null, List.of("data.dir=/srv/a=b"));
        assertEquals(Path.of("/srv/a=b"), config.get(ConfigKeys.DATA_DIR));
    }

    @Test
    void unknownKeyInFileNamesFileAndLine() throws Exception {
        Path file = write("mqtt.port = 1883\n\nmqtt.prot = 1884\n");
        assertFileError(file, "line 3: unknown key 'mqtt.prot'");
    }

    @Test
    void lineWithoutEqualsIsRejected() throws Exception {
        Path file = write("# ok\nmqtt.port 1883\n");
        assertFileError(file, "line 2: expected 'key = value', found 'mqtt.port 1883'");
    }

    @Test
    void duplicateKeyInFileIsRejected() throws Exception {
        Path file = write("amqp.port = 1\namqp.port = 2\n");
        assertFileError(file, "line 2: amqp.port: already set on line 1");
    }

    @Test
    void emptyValueIsRejected() throws Exception {
        Path file = write("bind =\n");
        assertFileError(file, "line 1: bind: missing value after '='");
    }

    @Test
    void missingKeyIsRejected() throws Exception {
        Path file = write(" = 5\n");
        assertFileError(file, "line 1: missing key before '='");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mqtt.port = abc          | mqtt.port: 'abc' is not an integer (expected 0..65535)",
            "amqp.port = 65536        | amqp.port: 65536 is out of range (expected 0..65535)",
            "http.port = -1           | http.port: -1 is out of range (expected 0..65535)",
            "bind = localhost         | bind: 'localhost' is not an IPv4 or IPv6 address literal",
            "bind = 300.1.1.1         | bind: '300.1.1.1' is not an IPv4 or IPv6 address literal",
            "mqtt.max_packet_size = 8 | mqtt.max_packet_size: 8 is out of range (expected 16..268435460)",
            "mqtt.connect_timeout = 0 | mqtt.connect_timeout: 0 is out of range (expected 1..3600)",
            "shutdown.timeout = 1.5   | shutdown.timeout: '1.5' is not an integer (expected 1..3600)",
            "log.level = verbose      | log.level: 'verbose' is not one of ERROR, WARN, INFO, DEBUG, TRACE",
    })
    void badValueNamesLineKeyAndProblem(String line, String problem) throws Exception {
        Path file = write("# header\n" + line + "\n");
        assertFileError(file, "line 2: " + problem);
    }

    @Test
    void missingFileIsReported() {
        Path file = dir.resolve("absent.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertEquals("config file " + file + ": cannot read: no such file", e.getMessage());
    }

    @Test
    void directoryInsteadOfFileIsReported() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, List.of()));
        assertEquals("config file " + dir + ": cannot read: is a directory", e.getMessage());
    }

    @Test
    void nonUtf8FileIsReported() throws Exception {
        Path file = dir.resolve("latin1.conf");
        Files.write(file, new byte[] {'b', 'i', 'n', 'd', '=', (byte) 0xE9});
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertEquals("config file " + file + ": cannot read: not UTF-8 text", e.getMessage());
    }

    @Test
    void setErrorsNameTheArgument() {
        assertSetError("mqtt.port", "--set mqtt.port: expected key=value");
        assertSetError("nope=1", "--set nope=1: unknown key 'nope'");
        assertSetError("mqtt.port=x", "--set mqtt.port=x: mqtt.port: 'x' is not an integer (expected 0..65535)");
        assertSetError("log.level=", "--set log.level=: log.level: missing value after '='");
    }

    @Test
    void setErrorWinsOverNothingWhenFileIsFine() throws Exception {
        Path file = write("mqtt.port = 1\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(file, List.of("amqp.port=99999")));
        assertEquals("--set amqp.port=99999: amqp.port: 99999 is out of range (expected 0..65535)", e.getMessage());
    }

    private void assertFileError(Path file, String expectedAfterFile) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
        assertEquals("config file " + file + " " + expectedAfterFile, e.getMessage());
    }

    private static void assertSetError(String override, String expected) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, List.of(override)));
        assertEquals(expected, e.getMessage());
    }

    private Path write(String content) throws IOException {
        return Files.writeString(dir.resolve("junction.conf"), content);
    }
}
