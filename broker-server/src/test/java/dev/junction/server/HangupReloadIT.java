package dev.junction.server;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGHUP sent to the real jar: the broker reloads its ACL file (and certificates) and keeps running. */
class HangupReloadIT {
    private static final int REFUSED = 0x80;

    @TempDir
    Path workDir;

    @Test
    void sighupAppliesAChangedAclFileAtOnceAndTheBrokerKeepsServing() throws Exception {
        int mqtt = Wire.freePort();
        Path acl = Files.writeString(workDir.resolve("acl"), "user guest\ntopic readwrite before/#\n");
        // Polled only hourly: the change can only come from the signal within this test.
        try (BrokerProcess broker = BrokerProcess.start(workDir, "--set", "bind=127.0.0.1",
                "--set", "mqtt.port=" + mqtt, "--set", "amqp.port=0", "--set", "http.port=0",
                "--set", "mqtt.acl_file=" + acl, "--set", "mqtt.acl_reload_interval=3600")) {
            broker.awaitLine("Listening for MQTT 3.1.1 on 127.0.0.1:" + mqtt);
            MqttClient client = connect(mqtt);
            try {
                assertEquals(1, granted(client, "before/x"));
                assertEquals(REFUSED, granted(client, "after/x"));

                Files.writeString(acl, "user guest\ntopic readwrite after/#\n");
                hangup(broker.pid());
                broker.awaitLine("MQTT topic ACLs reloaded from " + acl);

                assertEquals(1, granted(client, "after/y"));
                assertEquals(REFUSED, granted(client, "before/y"));
                assertTrue(client.isConnected());
            } finally {
                client.disconnect();
                client.close();
            }
            assertTrue(broker.stdout().stream().anyMatch(l -> l.contains("SIGHUP: reloading")));

            broker.terminate();
            assertEquals(0, broker.awaitExit(Duration.ofSeconds(15)));
            assertEquals(List.of(), broker.stderr());
        }
    }

    private static MqttClient connect(int port) throws MqttException {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, "reloaded", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        options.setConnectionTimeout(5);
        client.connect(options);
        return client;
    }

    /** The QoS the broker granted in SUBACK, or 0x80 for a refusal (Paho reports that as an exception). */
    private static int granted(MqttClient client, String filter) throws MqttException {
        try {
            return client.subscribeWithResponse(filter, 1).getGrantedQos()[0];
        } catch (MqttException e) {
            if (e.getReasonCode() == REFUSED) {
                return REFUSED;
            }
            throw e;
        }
    }

    private static void hangup(long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, kill.exitValue());
    }
}
