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

    long readUnsignedInt(String field) throws MalformedPacketException {
        require(4, field);
        return in.readUnsignedInt();
    }

    /** Any encoding of up to four bytes is accepted, minimal or not; a fifth byte makes the packet malformed. */
    int readVariableByteInteger(String field) throws MalformedPacketException {
        int value = 0;
        for (int i = 0; i < VariableByteInteger.MAX_BYTES; i++) {
            int encoded = readUnsignedByte(field);
            value |= (encoded & 0x7F) << (7 * i);
            if ((encoded & 0x80) == 0) {
                return value;
            }
        }
        throw malformed(field + " continues past four bytes (section 1.5.5)");
    }

    /**
     * Reads a property length and the properties it covers (section 2.2.2), none of which may reach past it.
     *
     * @param packet the packet type, or {@code null} for the will properties of CONNECT
     */
    MqttProperties readProperties(MqttPacketType packet) throws MalformedPacketException {
        String where = packet == null ? "will properties" : "properties";
        int length = readVariableByteInteger(where + " length");
        if (length == 0) {
            return MqttProperties.NONE;
        }
        require(length, where);
        int packetEnd = end;
        end = in.readerIndex() + length;
        try {
            MqttProperties.Builder builder = MqttProperties.builder();
            long seen = 0;
            while (hasRemaining()) {
                int id = readVariableByteInteger("property identifier");
                MqttProperty property = MqttProperty.ofId(id);
                if (property == null) {
                    throw malformed(where + " contain the unknown identifier 0x" + Integer.toHexString(id)
                            + " (section 2.2.2.2)");
                }
                if (!property.allowedIn(packet)) {
                    throw malformed(where + " contain the " + property + " property, not allowed here"
                            + " (section 2.2.2.2)");
                }
                long bit = 1L << property.ordinal();
                if ((seen & bit) != 0 && !property.repeatableIn(packet)) {
                    throw protocolError(where + " contain the " + property + " property more than once");
                }
                seen |= bit;
                builder.setDecoded(property, readPropertyValue(property));
            }
            return builder.build();
        } finally {
            end = packetEnd;
        }
    }

    private Object readPropertyValue(MqttProperty property) throws MalformedPacketException {
        String field = property + " property";
        switch (property.type) {
            case UTF8 -> {
                return readString(field);
            }
            case BINARY -> {
                return readBinary(field);
            }
            case UTF8_PAIR -> {
                return new MqttProperties.UserProperty(readString(field + " name"), readString(field + " value"));
            }
            default -> {
            }
        }
        long number = switch (property.type) {
            case BYTE -> readUnsignedByte(field);
            case TWO_BYTE -> readUnsignedShort(field);
            case FOUR_BYTE -> readUnsignedInt(field);
            default -> readVariableByteInteger(field);
        };
        String problem = property.rangeProblem(number);
        if (problem != null) {
            throw protocolError(field + " " + problem + ", got " + number);
        }
        return number;
    }

    /** A reason code {@code type} may carry (section 2.4); any other byte makes the packet malformed. */
    ReasonCode readReasonCode(MqttPacketType type) throws MalformedPacketException {
        int value = readUnsignedByte("reason code");
        ReasonCode code = ReasonCode.of(value, type);
        if (code == null) {
            throw malformed("reason code 0x" + Integer.toHexString(value) + " is not one a " + type
                    + " may carry (section 2.4)");
        }
        return code;
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

    MalformedPacketException protocolError(String problem) {
        return new MalformedPacketException(MalformedPacket.Violation.PROTOCOL_ERROR, type + " " + problem);
    }

    private void require(int bytes, String field) throws MalformedPacketException {
        if (remaining() < bytes) {
            throw malformed(field + " needs " + bytes + " bytes but only " + remaining()
                    + " remain");
        }
    }
}
