package dev.junction.mqtt.codec;

/** One of the fifteen MQTT control packets (AUTH is MQTT 5 only). Instances are immutable and validated on construction. */
public sealed interface MqttPacket extends MqttInbound
        permits Connect, ConnAck, Publish, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck, Unsubscribe,
        UnsubAck, PingReq, PingResp, Disconnect, Auth {

    MqttPacketType type();
}
