package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;

/**
 * Reads the variable header and payload of one packet, never past its remaining length: every field that would
 * overrun it makes the packet malformed. One instance is reused for every packet of a connection.
 */
final class PacketBodyReader {
    private final Utf8Validator utf8 = new Utf8Validator();
    private ByteBuf in;
    private int end;
    private MqttPacketType type;

    void start(ByteBuf in, int remainingLength, MqttPacketType type) {
        this.in = in;
        this.end = in.readerIndex() + remainingLength;
        this.type = type;
    }

    /** Drops the reference to the input buffer so it is not kept alive between packets. */
    void finish() {
        in = null;
    }

    int remaining() {
        return end - in.readerIndex();
    }

    boolean hasRemaining() {
        return in.readerIndex() < end;
    }

    int readUnsignedByte(String field) throws MalformedPacketException {
        require(1, field);
        return in.readUnsignedByte();
    }

    int readUnsignedShort(String field) throws MalformedPacketException {
        require(2, field);
        return in.readUnsignedShort();
    }

    int readPacketId() throws MalformedPacketException {
        int packetId = readUnsignedShort("packet identifier");
        if (packetId == 0) {
            throw malformed("packet identifier is 0 [MQTT-2.3.1-1]");
        }
        return packetId;
    }

    String readString(String field) throws MalformedPacketException {
        int length = readUnsignedShort(field + " length");
        require(length, field);
        String value = utf8.decode(in, in.readerIndex(), length, type + " " + field);
        in.skipBytes(length);
        return value;
    }

    byte[] readBinary(String field) throws MalformedPacketException {
        int length = readUnsignedShort(field + " length");
        require(length, field);
        byte[] value = new byte[length];
        in.readBytes(value);
        return value;
    }

    /** @return the rest of the packet as a retained slice of the input: no copy */
    ByteBuf readRetainedRest() {
        return in.readRetainedSlice(remaining());
    }

    void requireEnd() throws MalformedPacketException {
        if (hasRemaining()) {
            throw malformed("has " + remaining() + " bytes beyond its last field");
        }
    }

    MalformedPacketException malformed(String problem) {
        return new MalformedPacketException(type + " " + problem);
    }

    private void require(int bytes, String field) throws MalformedPacketException {
        if (remaining() < bytes) {
            throw malformed(field + " needs " + bytes + " bytes but only " + remaining()
                    + " remain of the remaining length");
        }
    }
}
