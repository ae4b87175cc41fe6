package dev.junction.server.mqtt;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * One session's outbound QoS 1/2 flow, with no I/O: the PUBLISHes sent and not yet acknowledged (and the PUBRELs
 * owed) in the order they were sent, the packet identifiers they hold, and those a restart left reserved. A
 * persistent session records its QoS 2 flows, so that a resend after a restart keeps its identifier. Owned by the
 * session's owner loop; the session writes what this class decides.
 */
final class OutboundInFlight {
    static final int MAX_PACKET_ID = 0xFFFF;
    /** What {@link #register} returns when every identifier is taken. */
    static final int NO_PACKET_ID = 0;

    private final String clientId;
    /** Null for a clean session, whose flows end with it. */
    private final MqttDurableState durable;
    private final MqttStats stats;
    private final BooleanSupplier onOwnerThread;
    /* Created on first use: most connections of a fleet never receive a QoS 1/2 message. */
    private LinkedHashMap<Integer, InFlightPublish> inFlight;
    private ResumedPacketIds resumed = ResumedPacketIds.NONE;
    private int lastPacketId;

    /**
     * @param durable where a persistent session records its QoS 2 flows, or null for a clean session
     * @param recoveredSentQos2 a persistent session's outbound QoS 2 ids before a restart, each with the store record
     *                          id of the message it carried or {@link MqttDurableState#PUBREL_OWED}
     */
    OutboundInFlight(String clientId, MqttDurableState durable, MqttStats stats,
                     Map<Integer, Long> recoveredSentQos2, BooleanSupplier onOwnerThread) {
        this.clientId = clientId;
        this.durable = durable;
        this.stats = stats;
        this.onOwnerThread = onOwnerThread;
        if (!recoveredSentQos2.isEmpty()) {
            Map<Long, Integer> resumedByRecord = new HashMap<>();
            recoveredSentQos2.forEach((packetId, messageRecordId) -> {
                if (messageRecordId == MqttDurableState.PUBREL_OWED) {
                    inFlightForUpdate().put(packetId, InFlightPublish.pubRelOwed());
                } else {
                    resumedByRecord.put(messageRecordId, packetId);
                }
            });
            resumed = ResumedPacketIds.of(resumedByRecord);
        }
    }

    /**
     * Gives the publish its packet identifier (the one it went out with before a restart, or a free one) and keeps
     * it until acknowledged. Returns {@link #NO_PACKET_ID} when every identifier is taken, which only a client that
     * never completes its QoS 2 flows achieves; the publish is then not kept.
     */
    int register(InFlightPublish publish) {
        assert onOwnerThread.getAsBoolean() : "the outbound flow is the session's owner loop's";
        if (inFlight().size() + resumed.reservedCount() >= MAX_PACKET_ID) {
            return NO_PACKET_ID;
        }
        int packetId = resumedPacketId(publish);
        if (packetId == 0) {
            packetId = nextPacketId();
            recordSentQos2(packetId, publish);
        }
        inFlightForUpdate().put(packetId, publish);
        return packetId;
    }

    private int nextPacketId() {
        do {
            lastPacketId = lastPacketId == MAX_PACKET_ID ? 1 : lastPacketId + 1;
        } while (inFlight().containsKey(lastPacketId) || resumed.isReserved(lastPacketId));
        return lastPacketId;
    }

    /** The identifier a message went out with before a restart, or 0; its record stays as it is. */
    private int resumedPacketId(InFlightPublish publish) {
        if (resumed.isEmpty() || publish.qos != 2 || publish.message().stored() == null) {
            return 0;
        }
        int packetId = resumed.take(publish.message().stored().recordId());
        if (packetId != 0) {
            publish.markSentBefore();
        }
        return packetId;
    }

    /** Only a stored message in a persistent session's queue can be resent after a restart. */
    private void recordSentQos2(int packetId, InFlightPublish publish) {
        if (publish.qos == 2 && durable != null && publish.message().stored() != null) {
            durable.sentQos2(clientId, packetId, publish.message().stored().recordId());
        }
    }

    /** PUBACK: a QoS 1 publish is settled and its identifier free; anything else is ignored. */
    void pubAck(int packetId) {
        assert onOwnerThread.getAsBoolean() : "the outbound flow is the session's owner loop's";
        InFlightPublish publish = inFlight().get(packetId);
        if (publish != null && publish.qos == 1) {
            inFlight.remove(packetId);
            publish.settle();
            stats.messages.acknowledged.increment();
        }
    }

    /**
     * PUBREC: a QoS 2 publish is settled, its identifier held until PUBCOMP; the caller answers PUBREL either way.
     * False if the identifier was not in flight at all.
     */
    boolean pubRec(int packetId) {
        assert onOwnerThread.getAsBoolean() : "the outbound flow is the session's owner loop's";
        InFlightPublish publish = inFlight().get(packetId);
        if (publish != null && publish.qos == 2 && !publish.awaitingPubComp()) {
            if (durable != null) {
                durable.pubRelOwed(clientId, packetId);
            }
            publish.settle();
        }
        return publish != null;
    }

    /** A refusing PUBREC (MQTT 5): the client has not got the message and will not; the flow ends here. */
    void pubRecRefused(int packetId) {
        assert onOwnerThread.getAsBoolean() : "the outbound flow is the session's owner loop's";
        InFlightPublish publish = inFlight().get(packetId);
        if (publish != null && publish.qos == 2 && !publish.awaitingPubComp()) {
            inFlight.remove(packetId);
            if (durable != null) {
                durable.completedQos2(clientId, packetId);
            }
            publish.settle();
        }
    }

    /** PUBCOMP: the QoS 2 flow is complete and its identifier free. */
    void pubComp(int packetId) {
        assert onOwnerThread.getAsBoolean() : "the outbound flow is the session's owner loop's";
        InFlightPublish publish = inFlight().get(packetId);
        if (publish != null && publish.awaitingPubComp()) {
            inFlight.remove(packetId);
            if (durable != null) {
                durable.completedQos2(clientId, packetId);
            }
            stats.messages.acknowledged.increment();
        }
    }

    /** Whether QoS 1/2 messages await the client's acknowledgement. */
    boolean isEmpty() {
        return inFlight().isEmpty();
    }

    int size() {
        return inFlight().size();
    }

    /** Every unacknowledged publish and owed PUBREL with its identifier, in the order they were first sent. */
    void forEach(BiConsumer<Integer, InFlightPublish> action) {
        assert onOwnerThread.getAsBoolean() : "the outbound flow is the session's owner loop's";
        inFlight().forEach(action);
    }

    /** The outbound QoS 2 identifiers still recorded, for the record a session that ends for good deletes. */
    Set<Integer> sentQos2() {
        Set<Integer> sentQos2 = resumed.reservedPacketIds();
        inFlight().forEach((packetId, publish) -> {
            if (publish.qos == 2) {
                sentQos2.add(packetId);
            }
        });
        return sentQos2;
    }

    /**
     * The publishes the predicate picks are forgotten, their identifiers freed and QoS 2 records dropped: their
     * queue takes them back (a shared subscription's member stops consuming), so they are not resent from here.
     */
    void forgetWhere(Predicate<InFlightPublish> taken) {
        assert onOwnerThread.getAsBoolean() : "the outbound flow is the session's owner loop's";
        for (var it = inFlight().entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Integer, InFlightPublish> entry = it.next();
            if (taken.test(entry.getValue())) {
                it.remove();
                if (entry.getValue().qos == 2 && durable != null) {
                    durable.completedQos2(clientId, entry.getKey());
                }
                entry.getValue().abandon();
            }
        }
    }

    /** The session ends: the queue takes back its unsettled entries, so only the messages' references go. */
    void abandonAll() {
        inFlight().values().forEach(InFlightPublish::abandon);
        inFlight = null;
    }

    private Map<Integer, InFlightPublish> inFlight() {
        return inFlight == null ? Map.of() : inFlight;
    }

    private Map<Integer, InFlightPublish> inFlightForUpdate() {
        if (inFlight == null) {
            inFlight = new LinkedHashMap<>();
        }
        return inFlight;
    }
}
