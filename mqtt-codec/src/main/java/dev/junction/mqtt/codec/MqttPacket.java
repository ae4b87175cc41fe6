package dev.junction.mqtt.codec;

/** One of the fourteen MQTT 3.1.1 control packets. Instances are immutable and validated on construction. */
public sealed interface MqttPacket extends MqttInbound
        permits Connect, ConnAck, Publish, PubAck, PubRec, PubRel, PubComp, Subscribe, SubAck, Unsubscribe,
        UnsubAck, PingReq, PingResp, Disconnect {

    MqttPacketType type();
}
