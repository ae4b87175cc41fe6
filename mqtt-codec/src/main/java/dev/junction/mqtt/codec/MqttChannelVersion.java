package dev.junction.mqtt.codec;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * The protocol version of a connection, kept as a channel attribute so that the per-connection {@link MqttDecoder}
 * and the sharable {@link MqttEncoder} agree on it. The decoder sets it as soon as a CONNECT's protocol name and
 * level are read (before the rest is checked, so that even a refusal of a malformed MQTT 5 CONNECT is encoded as an
 * MQTT 5 CONNACK); until then both sides use MQTT 3.1.1.
 */
public final class MqttChannelVersion {
    private static final AttributeKey<MqttProtocolVersion> KEY =
            AttributeKey.valueOf(MqttChannelVersion.class, "protocolVersion");

    private MqttChannelVersion() {
    }

    /** @return the version CONNECT declared, or MQTT 3.1.1 before any CONNECT */
    public static MqttProtocolVersion of(Channel channel) {
        MqttProtocolVersion version = channel.attr(KEY).get();
        return version == null ? MqttProtocolVersion.MQTT_3_1_1 : version;
    }

    /** For the decoder, and for a client-side pipeline that sends CONNECT itself. */
    public static void set(Channel channel, MqttProtocolVersion version) {
        channel.attr(KEY).set(version);
    }
}
