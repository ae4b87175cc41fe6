package dev.junction.mqtt.codec;

final class PacketIdentifiers {
    static final int MAX = 0xFFFF;

    private PacketIdentifiers() {
    }

    /** Packet identifiers are non-zero 16-bit values [MQTT-2.3.1-1]. */
    static int requireValid(int packetId) {
        if (packetId < 1 || packetId > MAX) {
            throw new IllegalArgumentException("packet identifier must be in 1..65535, got " + packetId);
        }
        return packetId;
    }
}
