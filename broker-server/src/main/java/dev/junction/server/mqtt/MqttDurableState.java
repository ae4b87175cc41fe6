package dev.junction.server.mqtt;

import dev.junction.core.Broker;
import dev.junction.core.BrokerException;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.log.MessagePropertiesCodec;
import dev.junction.core.store.Definition.StateRecord;
import dev.junction.core.store.DefinitionStore;
import dev.junction.core.store.StoreListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What of MQTT outlives the process, kept as the core's opaque state records: each persistent session's
 * subscriptions (filter, granted QoS and MQTT 5 options), the inbound QoS 2 packet identifiers it has acknowledged
 * with PUBREC and not yet seen PUBREL for, the outbound QoS 2 packet identifiers (which stored message each was
 * sent with, or that PUBREC came and PUBREL is owed), the will its lost connection left waiting for its delay, and
 * the retained message of each topic with its properties and expiry time. A session's queued and in-flight
 * messages are messages of its durable queue; only the identifiers they went out with need recording, because a
 * client resumes a QoS 2 flow by identifier [MQTT-4.4.0-1].
 */
final class MqttDurableState {
    private static final String SESSIONS = "mqtt-session";
    private static final String RECEIVED_QOS2 = "mqtt-qos2-received";
    private static final String SENT_QOS2 = "mqtt-qos2-sent";
    private static final String RETAINED = "mqtt-retained";
    private static final String SESSION_EXPIRY = "mqtt-session-expiry";
    private static final String PENDING_WILL = "mqtt-pending-will";
    /** The value of an outbound QoS 2 record once PUBREC came: the message is settled, the PUBREL is owed. */
    static final long PUBREL_OWED = -1;
    private static final byte[] NOTHING = new byte[0];
    private static final int NO_LOCAL = 0x04;
    private static final int RETAIN_AS_PUBLISHED = 0x08;
    private static final int IDENTIFIED = 0x10;
    /** Retained record flags beside the QoS: the message's properties follow, its expiry time follows. */
    private static final int HAS_PROPERTIES = 0x80;
    private static final int EXPIRES = 0x40;
    private static final int WILL_RETAIN = 0x04;

    /**
     * A persistent session found at start-up: its subscriptions, the inbound QoS 2 ids still awaiting PUBREL, and
     * its outbound QoS 2 ids, each with the store record id of the message it carried or {@link #PUBREL_OWED};
     * {@code expiry}, how long it outlives its connection, is null for a session recorded before it was kept;
     * {@code will} is the will its lost connection left waiting for its delay, or null.
     */
    record RecoveredSession(String clientId, Map<String, SubscriptionOptions> subscriptions, Set<Integer> awaitingPubRel,
                            Map<Integer, Long> sentQos2, Duration expiry, PendingWill will) {
    }

    /**
     * A retained message found at start-up; the payload wraps the record's bytes. {@code properties} are null for a
     * record of a version that kept the QoS alone; its expiration is what is left of the message's expiry.
     */
    record RecoveredRetained(String topicName, int qos, MessageProperties properties, ByteBuf payload) {
    }

    private final DefinitionStore store;

    MqttDurableState(DefinitionStore store) {
        this.store = store;
    }

    // ---- sessions ----

    /** Records (or replaces) a persistent session with its current subscriptions. */
    void saveSession(String clientId, SessionSubscriptions subscriptions, StoreListener stored) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(subscriptions.size());
            for (Map.Entry<String, SubscriptionOptions> subscription : subscriptions.entries()) {
                out.writeUTF(subscription.getKey());
                writeOptions(out, subscription.getValue());
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        store.put(new StateRecord(SESSIONS, clientId, bytes.toByteArray()), stored);
    }

    /**
     * Records how long the session outlives its connection, so that after a restart it expires on its own interval.
     * Not awaited: a record lost in a crash leaves the session with the {@code mqtt.session_expiry} of 3.1.1.
     */
    void sessionExpiry(String clientId, Duration expiry) {
        store.put(new StateRecord(SESSION_EXPIRY, clientId, longBytes(expiry.toMillis())));
    }

    /**
     * The session's connection was lost with a will that waits for its delay: kept with the session so that it is
     * published after a crash too. Layout: the due time (epoch milliseconds); one byte, the QoS in bits 0-1 and
     * RETAIN in bit 2; the topic as a length and UTF-8; the properties as message records store them; the payload.
     * Not awaited: a record lost in a crash loses the will, as before it was kept.
     */
    void pendingWill(String clientId, PendingWill will) {
        byte[] topic = will.topic().getBytes(StandardCharsets.UTF_8);
        ByteBuf value = Unpooled.buffer(64 + topic.length + will.payload().length);
        value.writeLong(will.dueAtMillis());
        value.writeByte(will.qos() | (will.retain() ? WILL_RETAIN : 0));
        value.writeInt(topic.length).writeBytes(topic);
        MessagePropertiesCodec.write(value, will.properties());
        value.writeBytes(will.payload());
        store.put(new StateRecord(PENDING_WILL, clientId, ByteBufUtil.getBytes(value)));
    }

    /** The pending will was published, or cancelled by the client's return. */
    void willGone(String clientId) {
        store.remove(new StateRecord(PENDING_WILL, clientId, NOTHING));
    }

    private static PendingWill pendingWill(byte[] record) {
        ByteBuf value = Unpooled.wrappedBuffer(record);
        long dueAt = value.readLong();
        int bits = value.readUnsignedByte();
        String topic = value.readCharSequence(value.readInt(), StandardCharsets.UTF_8).toString();
        MessageProperties properties = MessagePropertiesCodec.read(value);
        return new PendingWill(topic, bits & 0x03, (bits & WILL_RETAIN) != 0, ByteBufUtil.getBytes(value), properties,
                dueAt);
    }

    /** The session ended for good: its record, its pending will and its QoS 2 identifiers, both ways, go. */
    void forgetSession(String clientId, Set<Integer> awaitingPubRel, Set<Integer> sentQos2) {
        store.remove(new StateRecord(SESSIONS, clientId, NOTHING));
        store.remove(new StateRecord(SESSION_EXPIRY, clientId, NOTHING));
        willGone(clientId);
        for (int packetId : awaitingPubRel) {
            store.remove(receivedQos2(clientId, packetId));
        }
        for (int packetId : sentQos2) {
            store.remove(sentQos2(clientId, packetId, NOTHING));
        }
    }

    /** An inbound QoS 2 PUBLISH routed: its identifier must be known after a restart until PUBREL comes. */
    void receivedQos2(String clientId, int packetId, StoreListener stored) {
        store.put(receivedQos2(clientId, packetId), stored);
    }

    /** PUBREL came (or the PUBLISH was never acknowledged): the identifier is free again. */
    void releasedQos2(String clientId, int packetId, StoreListener stored) {
        store.remove(receivedQos2(clientId, packetId), stored);
    }

    private static StateRecord receivedQos2(String clientId, int packetId) {
        return new StateRecord(RECEIVED_QOS2, packetId + ":" + clientId, NOTHING);
    }

    /**
     * An outbound QoS 2 PUBLISH of a stored message: after a restart it is resent with this identifier, so a
     * client that already has it (and sent a PUBREC the crash lost) recognises the resend instead of delivering
     * it twice. Not awaited: the PUBREC that would make a lost record matter is written after it in the ordered log.
     */
    void sentQos2(String clientId, int packetId, long messageRecordId) {
        store.put(sentQos2(clientId, packetId, longBytes(messageRecordId)));
    }

    /**
     * PUBREC came for an outbound QoS 2 PUBLISH: the PUBREL is owed even across a restart, or the client would
     * hold the identifier forever. Written before the message is settled in its queue.
     */
    void pubRelOwed(String clientId, int packetId) {
        store.put(sentQos2(clientId, packetId, longBytes(PUBREL_OWED)));
    }

    /** PUBCOMP came: the outbound flow is complete and the identifier free. */
    void completedQos2(String clientId, int packetId) {
        store.remove(sentQos2(clientId, packetId, NOTHING));
    }

    private static StateRecord sentQos2(String clientId, int packetId, byte[] value) {
        return new StateRecord(SENT_QOS2, packetId + ":" + clientId, value);
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[Long.BYTES];
        for (int i = 0; i < Long.BYTES; i++) {
            bytes[i] = (byte) (value >>> (56 - 8 * i));
        }
        return bytes;
    }

    private static long bytesLong(byte[] bytes) {
        long value = 0;
        for (byte b : bytes) {
            value = value << 8 | (b & 0xFF);
        }
        return value;
    }

    /**
     * Takes the persistent sessions the previous run left. Packet identifier records of a session that is gone (a
     * crash between forgetting the session and releasing them) are released.
     */
    Map<String, RecoveredSession> takeSessions(Broker core) {
        Map<String, Set<Integer>> received = new HashMap<>();
        for (StateRecord record : core.takeRecoveredState(RECEIVED_QOS2)) {
            int colon = record.key().indexOf(':');
            received.computeIfAbsent(record.key().substring(colon + 1), id -> new HashSet<>())
                    .add(Integer.parseInt(record.key().substring(0, colon)));
        }
        Map<String, Map<Integer, Long>> sent = new HashMap<>();
        for (StateRecord record : core.takeRecoveredState(SENT_QOS2)) {
            int colon = record.key().indexOf(':');
            sent.computeIfAbsent(record.key().substring(colon + 1), id -> new HashMap<>())
                    .put(Integer.parseInt(record.key().substring(0, colon)), bytesLong(record.value()));
        }
        Map<String, Duration> expiries = new HashMap<>();
        for (StateRecord record : core.takeRecoveredState(SESSION_EXPIRY)) {
            expiries.put(record.key(), Duration.ofMillis(bytesLong(record.value())));
        }
        Map<String, PendingWill> wills = new HashMap<>();
        for (StateRecord record : core.takeRecoveredState(PENDING_WILL)) {
            wills.put(record.key(), pendingWill(record.value()));
        }
        Map<String, RecoveredSession> sessions = new HashMap<>();
        for (StateRecord record : core.takeRecoveredState(SESSIONS)) {
            sessions.put(record.key(), new RecoveredSession(record.key(), subscriptions(record.value()),
                    received.getOrDefault(record.key(), Set.of()), sent.getOrDefault(record.key(), Map.of()),
                    expiries.get(record.key()), wills.get(record.key())));
        }
        wills.keySet().forEach(clientId -> {
            if (!sessions.containsKey(clientId)) {
                willGone(clientId);
            }
        });
        expiries.keySet().forEach(clientId -> {
            if (!sessions.containsKey(clientId)) {
                store.remove(new StateRecord(SESSION_EXPIRY, clientId, NOTHING));
            }
        });
        received.forEach((clientId, packetIds) -> {
            if (!sessions.containsKey(clientId)) {
                packetIds.forEach(packetId -> store.remove(receivedQos2(clientId, packetId)));
            }
        });
        sent.forEach((clientId, packetIds) -> {
            if (!sessions.containsKey(clientId)) {
                packetIds.keySet().forEach(packetId -> store.remove(sentQos2(clientId, packetId, NOTHING)));
            }
        });
        return sessions;
    }

    /**
     * One byte as the SUBSCRIBE options byte has them, QoS in bits 0-1, No Local bit 2, Retain As Published bit 3,
     * and bit 4 when the subscription identifier follows as an int. A record written before MQTT 5 has the QoS
     * alone, which reads the same.
     */
    private static void writeOptions(DataOutputStream out, SubscriptionOptions options) throws IOException {
        out.writeByte(options.qos() | (options.noLocal() ? NO_LOCAL : 0)
                | (options.retainAsPublished() ? RETAIN_AS_PUBLISHED : 0) | (options.identifier() != 0 ? IDENTIFIED : 0));
        if (options.identifier() != 0) {
            out.writeInt(options.identifier());
        }
    }

    private static SubscriptionOptions readOptions(DataInputStream in) throws IOException {
        int bits = in.readByte();
        int identifier = (bits & IDENTIFIED) != 0 ? in.readInt() : 0;
        return new SubscriptionOptions(bits & 0x03, (bits & NO_LOCAL) != 0, (bits & RETAIN_AS_PUBLISHED) != 0,
                identifier);
    }

    private static Map<String, SubscriptionOptions> subscriptions(byte[] value) {
        Map<String, SubscriptionOptions> subscriptions = new LinkedHashMap<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            for (int count = in.readInt(); count > 0; count--) {
                subscriptions.put(in.readUTF(), readOptions(in));
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable MQTT session record: " + e.getMessage(), e);
        }
        return subscriptions;
    }

    // ---- retained messages ----

    /**
     * Records the topic's retained message with its properties and, if it has a message expiry, the wall-clock time
     * it expires at, so that it goes on counting across a restart; with an empty payload, deletes the topic's
     * retained message [MQTT-3.3.1-10, MQTT-3.3.1-11]. Layout: one byte, the QoS in bits 0-1 with
     * {@link #HAS_PROPERTIES} and {@link #EXPIRES} as flags; the expiry time (epoch milliseconds) if flagged; the
     * properties as message records store them; the payload. A record of an earlier version is the QoS byte alone
     * before the payload, which reads the same.
     */
    void retain(String topicName, int qos, MessageProperties properties, ByteBuf payload, StoreListener stored) {
        if (payload.readableBytes() == 0) {
            store.remove(new StateRecord(RETAINED, topicName, NOTHING), stored);
            return;
        }
        Long expiresIn = expiresInMillis(properties);
        ByteBuf value = Unpooled.buffer(64 + payload.readableBytes());
        value.writeByte(qos | HAS_PROPERTIES | (expiresIn == null ? 0 : EXPIRES));
        if (expiresIn != null) {
            value.writeLong(System.currentTimeMillis() + expiresIn);
        }
        MessagePropertiesCodec.write(value, properties);
        value.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        store.put(new StateRecord(RETAINED, topicName, ByteBufUtil.getBytes(value)), stored);
    }

    /** A message's expiration, which publishers check before a message gets here; one that is no number: none. */
    private static Long expiresInMillis(MessageProperties properties) {
        try {
            return properties.expirationMillis();
        } catch (BrokerException invalid) {
            return null;
        }
    }

    /**
     * Takes the retained messages the previous run left, each with what is left of its expiry as its expiration;
     * one whose expiry passed while the broker was down is deleted [MQTT-3.3.2-5].
     */
    List<RecoveredRetained> takeRetained(Broker core) {
        long now = System.currentTimeMillis();
        List<RecoveredRetained> live = new ArrayList<>();
        for (StateRecord record : core.takeRecoveredState(RETAINED)) {
            ByteBuf value = Unpooled.wrappedBuffer(record.value());
            int flags = value.readUnsignedByte();
            if ((flags & HAS_PROPERTIES) == 0) {
                live.add(new RecoveredRetained(record.key(), flags & 0x03, null, value));
                continue;
            }
            long expiresAt = (flags & EXPIRES) != 0 ? value.readLong() : 0;
            MessageProperties properties = MessagePropertiesCodec.read(value);
            if ((flags & EXPIRES) != 0) {
                long left = expiresAt - now;
                if (left <= 0) {
                    store.remove(new StateRecord(RETAINED, record.key(), NOTHING));
                    continue;
                }
                properties = properties.withExpiration(Long.toString(left));
            }
            live.add(new RecoveredRetained(record.key(), flags & 0x03, properties, value));
        }
        return live;
    }
}
