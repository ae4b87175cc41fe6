package dev.junction.server.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Until the broker serves MQTT 5, an MQTT 5 CONNECT is answered in MQTT 5: CONNACK 0x84, then the close. */
class Mqtt5RefusalTest {
    private MqttTestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker(MqttSettings.DEFAULTS);
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @Test
    void anMqtt5ConnectGetsAnMqtt5ConnAckUnsupportedProtocolVersion() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(20_000);
            // CONNECT "MQTT" level 5, clean start, keep alive 30, a session expiry property, client id "c5".
            socket.getOutputStream().write(new byte[] {0x10, 20, 0, 4, 'M', 'Q', 'T', 'T', 5, 0x02, 0, 30,
                    5, 0x11, 0, 0, 0, 10, 0, 2, 'c', '5'});
            InputStream in = socket.getInputStream();
            // CONNACK: session present 0, reason code 0x84, no properties; then the end of the stream.
            assertArrayEquals(new byte[] {0x20, 3, 0, (byte) 0x84, 0}, in.readAllBytes());
        }
    }
}
