package dev.junction.server.tls;

import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import dev.junction.server.tls.TestPki.Issued;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that opens a TLS port and never finishes the handshake is closed at its protocol's deadline. */
class TlsHandshakeDeadlineTest {
    @TempDir
    Path dir;
    private JunctionServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aStalledTlsHandshakeIsClosedAtTheDeadlineOnBothProtocols() throws Exception {
        Issued ca = TestPki.ca("Deadline CA");
        Issued served = TestPki.server(ca);
        served.writeCertificate(dir.resolve("server.pem"));
        served.writeKey(dir.resolve("server.key"));
        server = JunctionServer.start(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dir.resolve("data"))
                .with(ConfigKeys.MQTT_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.AMQP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.MQTT_TLS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_TLS_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.TLS_CERT_FILE, Optional.of(dir.resolve("server.pem")))
                .with(ConfigKeys.TLS_KEY_FILE, Optional.of(dir.resolve("server.key")))
                .with(ConfigKeys.MQTT_CONNECT_TIMEOUT, 1)
                .with(ConfigKeys.AMQP_HANDSHAKE_TIMEOUT, 1));
        for (Protocol protocol : new Protocol[] {Protocol.MQTT_TLS, Protocol.AMQP_TLS}) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port(protocol))) {
                // The start of a TLS record header, then nothing: well short of Netty's own 10 s handshake limit.
                socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
                long started = System.nanoTime();
                assertTrue(closedWithin(socket, 5_000), protocol + " still open");
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(waited < 3_000, protocol + " closed after " + waited + " ms");
            }
        }
    }

    private static boolean closedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        InputStream in = socket.getInputStream();
        try {
            while (in.read() >= 0) {
                // Whatever the server sends before closing.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
