package dev.junction.server.mqtt;

import dev.junction.core.store.StoreListener;

import java.util.HashSet;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One session's inbound QoS 2 state: the packet identifiers received and not yet released by PUBREL, so that a
 * resent PUBLISH is known as one and not routed twice [MQTT-4.3.3-2]. A persistent session records each change, so
 * that the state survives a restart. Owned by the session's owner loop.
 */
final class InboundQos2 {
    private final String clientId;
    /** Null for a clean session, whose state ends with it. */
    private final MqttDurableState durable;
    private final BooleanSupplier onOwnerThread;
    /* Created on first use: most sessions never receive a QoS 2 PUBLISH. */
    private Set<Integer> awaitingPubRel;

    /**
     * @param durable where a persistent session records its identifiers, or null for a clean session
     * @param recovered the identifiers a persistent session left awaiting PUBREL before a restart
     */
    InboundQos2(String clientId, MqttDurableState durable, Set<Integer> recovered, BooleanSupplier onOwnerThread) {
        this.clientId = clientId;
        this.durable = durable;
        this.onOwnerThread = onOwnerThread;
        if (!recovered.isEmpty()) {
            awaitingPubRel = new HashSet<>(recovered);
        }
    }

    /** Whether this packet id was already received and awaits PUBREL (a resend). */
    boolean awaitsPubRel(int packetId) {
        assert onOwnerThread.getAsBoolean() : "inbound QoS 2 state is the session's owner loop's";
        return awaitingPubRel != null && awaitingPubRel.contains(packetId);
    }

    /**
     * First receipt: the id awaits PUBREL; a persistent session records it, so that a resend after a restart is
     * still known as one; {@code stored} learns when that record is durable.
     */
    void received(int packetId, StoreListener stored) {
        assert onOwnerThread.getAsBoolean() : "inbound QoS 2 state is the session's owner loop's";
        if (awaitingPubRel == null) {
            awaitingPubRel = new HashSet<>();
        }
        awaitingPubRel.add(packetId);
        if (durable == null) {
            stored.stored(null);
        } else {
            durable.receivedQos2(clientId, packetId, stored);
        }
    }

    /**
     * PUBREL, or the PUBLISH was never acknowledged: the id is free again; {@code stored} learns when that is
     * durable (PUBCOMP waits for it, since the client may reuse the id after PUBCOMP).
     */
    void released(int packetId, StoreListener stored) {
        assert onOwnerThread.getAsBoolean() : "inbound QoS 2 state is the session's owner loop's";
        if (awaitingPubRel != null && awaitingPubRel.remove(packetId) && durable != null) {
            durable.releasedQos2(clientId, packetId, stored);
        } else {
            stored.stored(null);
        }
    }

    /** The identifiers awaiting PUBREL, for the record a session that ends for good deletes. */
    Set<Integer> awaitingPubRel() {
        return awaitingPubRel == null ? Set.of() : awaitingPubRel;
    }

    /** The session ends: nothing awaits PUBREL any more. */
    void clear() {
        awaitingPubRel = null;
    }
}
