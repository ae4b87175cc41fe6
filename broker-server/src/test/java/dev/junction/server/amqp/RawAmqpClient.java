package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.AmqpMethod;
import dev.junction.amqp.codec.method.AmqpMethods;
import dev.junction.amqp.codec.method.Connection;
import dev.junction.amqp.codec.types.LongString;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A deliberately minimal AMQP client over a plain socket, for what a well-behaved client library cannot do:
 * stay silent after negotiating heartbeats, send malformed frames, open channels above channel_max.
 */
final class RawAmqpClient implements AutoCloseable {
    static final byte[] HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawAmqpClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Header, start-ok as guest, tune-ok with the given heartbeat, open of vhost "/". */
    RawAmqpClient handshake(int heartbeatSeconds) throws IOException {
        return handshake("guest", "guest", heartbeatSeconds);
    }

    /** As {@link #handshake(int)}, logging in as this user. */
    RawAmqpClient handshake(String user, String password, int heartbeatSeconds) throws IOException {
        send(HEADER);
        expect(Connection.Start.class);
        sendMethod(0, new Connection.StartOk(Map.of(), "PLAIN", LongString.of("\0" + user + "\0" + password),
                "en_US"));
        expect(Connection.Tune.class);
        sendMethod(0, new Connection.TuneOk(0, 131_072, heartbeatSeconds));
        sendMethod(0, new Connection.Open("/", "", false));
        expect(Connection.OpenOk.class);
        return this;
    }

    void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void sendMethod(int channel, AmqpMethod method) throws IOException {
        ByteBuf payload = Unpooled.buffer();
        AmqpMethods.encode(method, payload);
        byte[] bytes = new byte[payload.readableBytes()];
        payload.readBytes(bytes);
        payload.release();
        sendFrame(AmqpConstants.FRAME_METHOD, channel, bytes, AmqpConstants.FRAME_END);
    }

    void sendFrame(int type, int channel, byte[] payload, int frameEnd) throws IOException {
        ByteBuf frame = Unpooled.buffer();
        frame.writeByte(type).writeShort(channel).writeInt(payload.length).writeBytes(payload).writeByte(frameEnd);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        send(bytes);
    }

    /** The next method frame's method, skipping heartbeats. */
    AmqpMethod readMethod() throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            in.readUnsignedShort();
            int size = in.readInt();
            byte[] payload = new byte[size];
            in.readFully(payload);
            if (in.readUnsignedByte() != AmqpConstants.FRAME_END) {
                throw new IOException("bad frame end from the server");
            }
            if (type == AmqpConstants.FRAME_METHOD) {
                ByteBuf buffer = Unpooled.wrappedBuffer(payload);
                return AmqpMethods.decode(buffer);
            }
        }
    }

    <T extends AmqpMethod> T expect(Class<T> type) throws IOException {
        AmqpMethod method = readMethod();
        if (!type.isInstance(method)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + method);
        }
        return type.cast(method);
    }

    /** Reads the first 8 bytes the server sends, for the protocol header exchange. */
    String readHeader() throws IOException {
        byte[] bytes = new byte[8];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    /** Reads and drops everything until the server closes the socket; true if it did within the timeout. */
    boolean closedByServer(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            while (in.read() >= 0) {
                // Heartbeats and anything else the server still sends.
            }
            return true;
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
