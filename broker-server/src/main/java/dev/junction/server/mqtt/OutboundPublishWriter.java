package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import dev.junction.core.queue.Delivery;
import dev.junction.core.topic.TopicSyntax;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.MqttUtf8;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.Publish;
import io.netty.buffer.ByteBufUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * One session's outbound PUBLISHes on their way to the socket: the QoS a message goes out at, whether it fits in
 * an MQTT PUBLISH within the packet size limit (and the count of those dropped), the packet identifiers of QoS 1/2
 * ({@link OutboundInFlight}), the resend after a reconnect, and the writes and flushes on the connection. What a
 * PUBLISH carries besides topic, QoS and payload belongs here. Owned by the session's owner loop.
 */
final class OutboundPublishWriter {
    private static final Logger log = LoggerFactory.getLogger(OutboundPublishWriter.class);

    private final String clientId;
    private final int maxPacketSize;
    private final MqttStats stats;
    private final OutboundInFlight inFlight;
    private final BooleanSupplier onOwnerThread;
    /** Null while the session is offline. */
    private MqttConnection connection;

    OutboundPublishWriter(String clientId, int maxPacketSize, MqttStats stats, OutboundInFlight inFlight,
                          BooleanSupplier onOwnerThread) {
        this.clientId = clientId;
        this.maxPacketSize = maxPacketSize;
        this.stats = stats;
        this.inFlight = inFlight;
        this.onOwnerThread = onOwnerThread;
    }

    /**
     * The session's connection is accepted: unacknowledged PUBLISHes and PUBRELs go out first, with their
     * identifiers, before anything new [MQTT-4.4.0-1].
     */
    void attach(MqttConnection accepted) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        connection = accepted;
        inFlight.forEach((packetId, publish) -> {
            if (publish.awaitingPubComp()) {
                accepted.write(new PubRel(packetId));
            } else {
                writePublish(packetId, publish);
            }
        });
        accepted.flush();
    }

    /** The connection is gone: QoS 0 messages are dropped, QoS 1/2 ones wait in flight for the next. */
    void detach() {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        connection = null;
    }

    /**
     * A delivery from the session's queue, sent at the QoS its route granted capped by the message's, or dropped
     * (counted, settled) if it cannot be an MQTT PUBLISH.
     */
    void deliver(Delivery delivery, String topicName, int grantedQos) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        Message message = delivery.message();
        int qos = Math.min(grantedQos, MqttPublisher.publishQos(message));
        if (!fitsMqtt(topicName, qos, message)) {
            delivery.subscription().settle(delivery.entryId());
            message.release();
            return;
        }
        stats.messages.deliveryLatency.record(System.nanoTime() - message.publishedAtNanos());
        if (qos == 0) {
            if (connection != null) {
                writePublish(topicName, 0, false, 0, false, message);
                connection.flushSoon();
            } else {
                stats.dropped(MqttDropReason.OFFLINE, 1);
            }
            delivery.subscription().settle(delivery.entryId());
            message.release();
            return;
        }
        sendInFlight(new InFlightPublish(topicName, qos, false, delivery, message));
    }

    /**
     * A retained message for a new subscription, with RETAIN set [MQTT-3.3.1-6], at the granted QoS capped by the
     * message's; the caller flushes after the last one.
     */
    void sendRetained(String topicName, MqttQos granted, Message message) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        int qos = Math.min(granted.value(), MqttPublisher.publishQos(message));
        if (qos == 0) {
            writePublish(topicName, 0, true, 0, false, message);
            message.release();
        } else {
            sendInFlight(new InFlightPublish(topicName, qos, true, null, message));
        }
    }

    /** A {@code $SYS} update, at QoS 0, if connected. */
    void sendSys(String topicName, Message message) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        if (connection != null) {
            writePublish(topicName, 0, false, 0, false, message);
            connection.flushSoon();
        }
        message.release();
    }

    /** PUBREC from the client: the QoS 2 publish is settled and PUBREL answers, whether or not it was in flight. */
    void pubRec(int packetId) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        inFlight.pubRec(packetId);
        connection.write(new PubRel(packetId));
        connection.flush();
    }

    void flush() {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        connection.flush();
    }

    /**
     * A message from AMQP may not be expressible as an MQTT PUBLISH: it is dropped for this session, counted and
     * settled, never sent malformed nor left to block the queue.
     */
    private boolean fitsMqtt(String topicName, int qos, Message message) {
        if (!TopicSyntax.MQTT.isValidTopicName(topicName) || !MqttUtf8.isEncodable(topicName)) {
            log.debug("Client '{}': routing key '{}' is no valid MQTT topic; message dropped", clientId,
                    message.routingKey());
            stats.dropped(MqttDropReason.NOT_MQTT_TOPIC, 1);
            return false;
        }
        long packetSize = publishPacketSize(topicName, qos, message.bodySize());
        if (packetSize > maxPacketSize) {
            log.warn("Client '{}': a {}-byte PUBLISH on '{}' would exceed mqtt.max_packet_size ({}); dropped",
                    clientId, packetSize, topicName, maxPacketSize);
            stats.dropped(MqttDropReason.TOO_LARGE, 1);
            return false;
        }
        return true;
    }

    /** Fixed header (type byte and remaining length, 1 to 4 bytes), topic with its length, packet id, payload. */
    private static long publishPacketSize(String topicName, int qos, long payloadSize) {
        long remaining = 2L + ByteBufUtil.utf8Bytes(topicName) + (qos > 0 ? 2 : 0) + payloadSize;
        int lengthBytes = remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4;
        return 1 + lengthBytes + remaining;
    }

    private void sendInFlight(InFlightPublish publish) {
        int packetId = inFlight.register(publish);
        if (packetId == OutboundInFlight.NO_PACKET_ID) {
            publish.giveBack();
            if (connection != null) {
                connection.disconnect(ReasonCode.UNSPECIFIED_ERROR, "all " + OutboundInFlight.MAX_PACKET_ID
                        + " packet identifiers are awaiting acknowledgement");
            }
            return;
        }
        if (connection != null) {
            writePublish(packetId, publish);
            connection.flushSoon();
            connection.deliveriesChanged();
        }
    }

    private void writePublish(int packetId, InFlightPublish publish) {
        boolean dup = publish.markSent();
        writePublish(publish.topicName, publish.qos, publish.retain, packetId, dup, publish.message());
    }

    private void writePublish(String topicName, int qos, boolean retain, int packetId, boolean dup,
                              Message message) {
        stats.messagesSent.increment();
        stats.bytesSent.add(message.bodySize());
        if (dup) {
            stats.messages.redelivered.increment();
        }
        connection.write(new Publish(topicName, MqttQos.of(qos), dup, retain, packetId,
                message.body().retainedDuplicate()));
    }
}
