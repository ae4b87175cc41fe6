package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import dev.junction.core.queue.Delivery;
import dev.junction.core.topic.TopicSyntax;
import dev.junction.mqtt.codec.MqttEncoder;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.MqttUtf8;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.Publish;
import io.netty.buffer.ByteBufUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
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
    /** QoS 1/2 publishes held back while the client's Receive Maximum is reached, in order; not yet registered. */
    private final ArrayDeque<InFlightPublish> waiting = new ArrayDeque<>();
    /** Null while the session is offline. */
    private MqttConnection connection;
    /** The connection's, for MQTT 5; null for 3.1.1 or offline. */
    private OutboundTopicAliases topicAliases;

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
        int aliasMaximum = accepted.capabilities().topicAliasMaximum();
        topicAliases = accepted.isMqtt5() && aliasMaximum > 0 ? new OutboundTopicAliases(aliasMaximum) : null;
        inFlight.forEach((packetId, publish) -> {
            if (publish.awaitingPubComp()) {
                accepted.write(new PubRel(packetId));
            } else {
                writePublish(packetId, publish);
            }
        });
        sendWaiting();
        accepted.flush();
    }

    /** The connection is gone: QoS 0 messages are dropped, QoS 1/2 ones wait in flight for the next. */
    void detach() {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        connection = null;
        topicAliases = null;
    }

    /** The session ends: what waited for the Receive Maximum goes back with the queue's unsettled entries. */
    void abandonWaiting() {
        waiting.forEach(InFlightPublish::abandon);
        waiting.clear();
    }

    /**
     * PUBACK, PUBCOMP or a refusing PUBREC freed a place within the client's Receive Maximum: what waited for one
     * goes out, unless it expired meanwhile.
     */
    void sendWaiting() {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        while (!waiting.isEmpty() && connection != null
                && inFlight.size() < connection.capabilities().receiveMaximum()) {
            InFlightPublish next = waiting.poll();
            if (Mqtt5MessageProperties.remainingExpirySeconds(next.message(), System.nanoTime())
                    == Mqtt5MessageProperties.EXPIRED) {
                stats.dropped(MqttDropReason.EXPIRED, 1);
                next.settle();
            } else {
                sendInFlight(next);
            }
        }
    }

    /**
     * A delivery from the session's queue, sent at the QoS its route granted capped by the message's, or dropped
     * (counted, settled) if it cannot be an MQTT PUBLISH. {@code matched} is null unless the session has
     * subscriptions with MQTT 5 delivery options: then it says whether RETAIN goes as published [MQTT-3.3.1-13]
     * (else it is 0 [MQTT-3.3.1-12]) and which subscription identifiers the PUBLISH carries.
     */
    void deliver(Delivery delivery, String topicName, int grantedQos, MatchedSubscriptions matched) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        Message message = delivery.message();
        int qos = Math.min(grantedQos, MqttPublisher.publishQos(message));
        MqttProperties properties = matched == null ? MqttProperties.NONE : matched.properties();
        if (!fitsMqtt(topicName, qos, false, properties, message)) {
            delivery.subscription().settle(delivery.entryId());
            message.release();
            return;
        }
        stats.messages.deliveryLatency.record(System.nanoTime() - message.publishedAtNanos());
        boolean retain = matched != null && matched.retainAsPublished() && MqttPublisher.publishedRetained(message);
        if (qos == 0) {
            if (connection != null) {
                writePublish(topicName, 0, retain, properties, 0, false, message);
                connection.flushSoon();
            } else {
                stats.dropped(MqttDropReason.OFFLINE, 1);
            }
            delivery.subscription().settle(delivery.entryId());
            message.release();
            return;
        }
        InFlightPublish publish = new InFlightPublish(topicName, qos, retain, properties, delivery, message);
        if (delivery.redelivered() && SharedMemberships.isShared(delivery)) {
            // Another member had it and left without acknowledging it: DUP tells this one it may be a repeat.
            publish.markSentBefore();
        }
        sendInFlight(publish);
    }

    /**
     * A retained message for a new subscription, with RETAIN set [MQTT-3.3.1-6], at the granted QoS capped by the
     * message's, with the subscription's identifier if it has one [MQTT-3.3.4-3]; the caller flushes after the
     * last one.
     */
    void sendRetained(String topicName, SubscriptionOptions subscription, Message message) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        int qos = Math.min(subscription.qos(), MqttPublisher.publishQos(message));
        MqttProperties properties = subscription.identifier() == 0 ? MqttProperties.NONE
                : MqttProperties.builder().addSubscriptionIdentifier(subscription.identifier()).build();
        if (!fitsMqtt(topicName, qos, true, properties, message)) {
            message.release();
        } else if (qos == 0) {
            writePublish(topicName, 0, true, properties, 0, false, message);
            message.release();
        } else {
            sendInFlight(new InFlightPublish(topicName, qos, true, properties, null, message));
        }
    }

    /** A {@code $SYS} update, at QoS 0, if connected. */
    void sendSys(String topicName, Message message, MqttProperties properties) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        if (connection != null && fitsMqtt(topicName, 0, false, properties, message)) {
            writePublish(topicName, 0, false, properties, 0, false, message);
            connection.flushSoon();
        }
        message.release();
    }

    /**
     * PUBREC from the client: the QoS 2 publish is settled and PUBREL answers, whether or not it was in flight (for
     * MQTT 5 with Packet Identifier not found if it was not). A refusing PUBREC (MQTT 5) ends the flow instead: no
     * PUBREL, the identifier is free (section 4.3.3).
     */
    void pubRec(int packetId, boolean refused) {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        if (refused) {
            inFlight.pubRecRefused(packetId);
            sendWaiting();
            connection.flush();
            return;
        }
        boolean known = inFlight.pubRec(packetId);
        connection.write(known || !connection.isMqtt5() ? new PubRel(packetId)
                : new PubRel(packetId, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, MqttProperties.NONE));
        connection.flush();
    }

    void flush() {
        assert onOwnerThread.getAsBoolean() : "outbound publishes are the session's owner loop's";
        connection.flush();
    }

    /**
     * A message from AMQP may not be expressible as an MQTT PUBLISH, one may have expired since its queue handed it
     * over, and one may be larger than an MQTT 5 client's Maximum Packet Size: it is dropped for this session,
     * counted and settled ("discarded without sending", [MQTT-3.1.2-25]), never sent nor left to block the queue.
     */
    private boolean fitsMqtt(String topicName, int qos, boolean retain, MqttProperties subscriptionProperties,
                             Message message) {
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
        long remaining = Mqtt5MessageProperties.remainingExpirySeconds(message, System.nanoTime());
        if (remaining == Mqtt5MessageProperties.EXPIRED) {
            // Not yet on its way to the client: an expired message is deleted [MQTT-3.3.2-5].
            stats.dropped(MqttDropReason.EXPIRED, 1);
            return false;
        }
        long clientMaximum = connection == null ? ClientCapabilities.DEFAULTS.maximumPacketSize()
                : connection.capabilities().maximumPacketSize();
        if (clientMaximum >= ClientCapabilities.DEFAULTS.maximumPacketSize()) {
            // No limit of the client's own: mqtt.max_packet_size, far below the protocol's, was the bound.
            return true;
        }
        // Measured with the full topic name: an alias only makes the packet smaller.
        long size = MqttEncoder.encodedSize(new Publish(topicName, MqttQos.of(qos), false, retain, qos > 0 ? 1 : 0,
                message.body(), outboundProperties(message, remaining, subscriptionProperties)),
                MqttProtocolVersion.MQTT_5);
        if (size > clientMaximum) {
            log.debug("Client '{}': a {}-byte PUBLISH on '{}' would exceed its Maximum Packet Size ({}); discarded",
                    clientId, size, topicName, clientMaximum);
            stats.dropped(MqttDropReason.OVER_CLIENT_MAXIMUM, 1);
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
        if (connection != null && connection.isMqtt5()
                && inFlight.size() >= connection.capabilities().receiveMaximum()) {
            // [MQTT-3.3.4-9] no more unacknowledged QoS 1/2 PUBLISHes than the client's Receive Maximum.
            waiting.add(publish);
            return;
        }
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
        writePublish(publish.topicName, publish.qos, publish.retain, publish.properties, packetId, dup,
                publish.message());
    }

    private void writePublish(String topicName, int qos, boolean retain, MqttProperties subscriptionProperties,
                              int packetId, boolean dup, Message message) {
        stats.messagesSent.increment();
        stats.bytesSent.add(message.bodySize());
        if (dup) {
            stats.messages.redelivered.increment();
        }
        if (!connection.isMqtt5()) {
            connection.write(new Publish(topicName, MqttQos.of(qos), dup, retain, packetId,
                    message.body().retainedDuplicate()));
            return;
        }
        long remaining = Mqtt5MessageProperties.remainingExpirySeconds(message, System.nanoTime());
        // Already on its way (a resend): it goes out even if it expired meanwhile, with the least interval left.
        MqttProperties properties = outboundProperties(message,
                remaining == Mqtt5MessageProperties.EXPIRED ? 1 : remaining, subscriptionProperties);
        String wireTopic = topicName;
        if (topicAliases != null) {
            int alias = topicAliases.known(topicName);
            if (alias != 0) {
                wireTopic = "";
            } else {
                alias = topicAliases.assign(topicName);
            }
            if (alias != 0) {
                properties = properties.toBuilder().topicAlias(alias).build();
            }
        }
        connection.write(new Publish(wireTopic, MqttQos.of(qos), dup, retain, packetId,
                message.body().retainedDuplicate(), properties));
    }

    /**
     * What an MQTT 5 PUBLISH of this message carries: the message's own properties with the expiry interval left,
     * and the identifiers of the subscriptions it came through [MQTT-3.3.4-3].
     */
    private static MqttProperties outboundProperties(Message message, long remainingExpirySeconds,
                                                     MqttProperties subscriptionProperties) {
        MqttProperties properties = Mqtt5MessageProperties.toMqtt(message.properties(), remainingExpirySeconds);
        if (subscriptionProperties.subscriptionIdentifiers().isEmpty()) {
            return properties;
        }
        MqttProperties.Builder withIdentifiers = properties.toBuilder();
        subscriptionProperties.subscriptionIdentifiers().forEach(withIdentifiers::addSubscriptionIdentifier);
        return withIdentifiers.build();
    }
}
