package dev.junction.server.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** One socket to the management port, for requests no HTTP client would send: partial, slow or idle ones. */
final class RawHttp implements AutoCloseable {
    static final String GUEST = basic("guest", "guest");

    private final Socket socket;

    RawHttp(int port) throws IOException {
        this(port, InetAddress.getLoopbackAddress());
    }

    /** From {@code source}, such as 127.0.0.2: Linux answers every 127/8 address on the loopback interface. */
    RawHttp(int port, InetAddress source) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port, source, 0);
        socket.setSoTimeout(30_000);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    RawHttp send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /**
     * Everything the broker sends until it closes the connection; fails if it does not within the socket's
     * 30-second timeout.
     */
    String untilClosed() throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the broker kept the connection open; received so far: " + received, e);
        } catch (SocketException e) {
            // Closed with unread bytes of ours still in its buffer: a reset, as good as a close.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
