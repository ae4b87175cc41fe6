package dev.junction.mqtt.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import java.util.Objects;

/**
 * PUBLISH (section 3.3). Holds one reference to its payload: whoever receives a {@code Publish} releases it once,
 * and passes it on to several receivers with {@link #retainedDuplicate()} rather than copying the bytes.
 *
 * @param retainFlag the RETAIN flag; named so because {@code retain()} is reference counting
 * @param packetId 0 for QoS 0, which carries no identifier; otherwise 1..65535
 * @param topic    in MQTT 5 empty when the topic alias property stands for it (section 3.3.2.3.4)
 * @param properties MQTT 5 only: payload format, message expiry, topic alias, response topic, correlation data,
 *                   user properties, subscription identifiers, content type
 */
public record Publish(String topic, MqttQos qos, boolean dup, boolean retainFlag, int packetId, ByteBuf payload,
                      MqttProperties properties)
        implements MqttPacket, ByteBufHolder {

    public Publish {
        MqttUtf8.requireEncodable(topic, "topic name");
        Objects.requireNonNull(qos, "qos");
        Objects.requireNonNull(payload, "payload");
        if (qos == MqttQos.AT_MOST_ONCE) {
            if (packetId != 0) {
                throw new IllegalArgumentException("a QoS 0 PUBLISH has no packet identifier [MQTT-2.3.1-5]");
            }
            if (dup) {
                throw new IllegalArgumentException("DUP must be 0 for QoS 0 [MQTT-3.3.1-2]");
            }
        } else {
            PacketIdentifiers.requireValid(packetId);
        }
        Objects.requireNonNull(properties, "properties");
        MqttPacketChecks.requirePropertiesAllowed(properties, MqttPacketType.PUBLISH);
    }

    /** A PUBLISH without properties. */
    public Publish(String topic, MqttQos qos, boolean dup, boolean retainFlag, int packetId, ByteBuf payload) {
        this(topic, qos, dup, retainFlag, packetId, payload, MqttProperties.NONE);
    }

    @Override
    public MqttPacketType type() {
        return MqttPacketType.PUBLISH;
    }

    @Override
    public ByteBuf content() {
        return payload;
    }

    @Override
    public Publish copy() {
        return replace(payload.copy());
    }

    @Override
    public Publish duplicate() {
        return replace(payload.duplicate());
    }

    @Override
    public Publish retainedDuplicate() {
        return replace(payload.retainedDuplicate());
    }

    @Override
    public Publish replace(ByteBuf content) {
        return new Publish(topic, qos, dup, retainFlag, packetId, content, properties);
    }

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public Publish retain() {
        payload.retain();
        return this;
    }

    @Override
    public Publish retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public Publish touch() {
        payload.touch();
        return this;
    }

    @Override
    public Publish touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }
}
