package dev.junction.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Raw-socket helpers: what a real client sees on the wire. */
final class Wire {
    static final byte[] MQTT_CONNECT = {0x10, 0x0C, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3C, 0x00, 0x00};
    static final byte[] MQTT_DISCONNECT = {(byte) 0xE0, 0x00};
    static final byte[] MQTT_CONNACK_ACCEPTED = {0x20, 0x02, 0x00, 0x00};
    static final byte[] AMQP_091_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    static final byte[] AMQP_010_HEADER = {'A', 'M', 'Q', 'P', 1, 1, 0, 10};

    /** A clean-session CONNECT and a DISCONNECT: the whole of a polite MQTT conversation. */
    static byte[] mqttConnectThenDisconnect() {
        byte[] both = new byte[MQTT_CONNECT.length + MQTT_DISCONNECT.length];
        System.arraycopy(MQTT_CONNECT, 0, both, 0, MQTT_CONNECT.length);
        System.arraycopy(MQTT_DISCONNECT, 0, both, MQTT_CONNECT.length, MQTT_DISCONNECT.length);
        return both;
    }

    private Wire() {
    }

    /** Sends {@code request}, then reads until the server closes; fails if that takes more than 5 s. */
    static byte[] exchangeUntilClosed(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return in.readAllBytes();
        }
    }

    /** A port that was free a moment ago, for tests that must name the port up front. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
