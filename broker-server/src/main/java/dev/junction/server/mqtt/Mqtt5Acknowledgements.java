package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.MqttPacket;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.PubComp;
import dev.junction.mqtt.codec.PubRec;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.ReasonCode;

/** The MQTT 5 reason codes of the publish acknowledgements (sections 3.4 to 3.7). */
final class Mqtt5Acknowledgements {
    private Mqtt5Acknowledgements() {
    }

    /** The same acknowledgement with {@code code}. */
    static MqttPacket withReason(MqttPacket acknowledgement, ReasonCode code) {
        if (acknowledgement instanceof PubAck ack) {
            return new PubAck(ack.packetId(), code, MqttProperties.NONE);
        }
        if (acknowledgement instanceof PubRec rec) {
            return new PubRec(rec.packetId(), code, MqttProperties.NONE);
        }
        if (acknowledgement instanceof PubRel rel) {
            return new PubRel(rel.packetId(), code, MqttProperties.NONE);
        }
        if (acknowledgement instanceof PubComp comp) {
            return new PubComp(comp.packetId(), code, MqttProperties.NONE);
        }
        throw new IllegalArgumentException("no publish acknowledgement: " + acknowledgement);
    }

    /**
     * Whether sending this ends a QoS 1/2 flow the client started, so that it may send another within the Receive
     * Maximum: PUBACK, PUBCOMP, or a PUBREC that refuses (section 4.9).
     */
    static boolean endsInboundFlow(MqttPacket acknowledgement) {
        return acknowledgement instanceof PubAck || acknowledgement instanceof PubComp
                || acknowledgement instanceof PubRec rec && rec.reasonCode().isFailure();
    }
}
