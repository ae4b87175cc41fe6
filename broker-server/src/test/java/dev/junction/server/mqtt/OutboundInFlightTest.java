package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.store.StoredMessage;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboundInFlightTest {
    private final MqttStats stats = new MqttStats();

    private OutboundInFlight cleanSession() {
        return new OutboundInFlight("c", null, stats, Map.of(), () -> true);
    }

    private static Message message() {
        return new Message("amq.topic", "a", MessageProperties.EMPTY, Unpooled.buffer(4).writeInt(1));
    }

    private static InFlightPublish publish(int qos, Message message) {
        return new InFlightPublish("a", qos, false, null, message);
    }

    @Test
    void packetIdsCountUpAndSkipThoseStillInFlight() {
        OutboundInFlight flow = cleanSession();
        assertEquals(1, flow.register(publish(1, message())));
        assertEquals(2, flow.register(publish(1, message())));
        flow.pubAck(1);
        assertEquals(3, flow.register(publish(1, message())));
        assertEquals(2, flow.size());
    }

    @Test
    void packetIdsWrapAroundPastTheHighestAndSkipTheOnesInUse() {
        OutboundInFlight flow = cleanSession();
        for (int i = 1; i <= OutboundInFlight.MAX_PACKET_ID; i++) {
            assertEquals(i, flow.register(publish(1, message())));
        }
        assertEquals(OutboundInFlight.NO_PACKET_ID, flow.register(publish(1, message())),
                "every identifier taken");
        flow.pubAck(7);
        flow.pubAck(3);
        assertEquals(3, flow.register(publish(1, message())), "the lowest free id after the wrap");
        assertEquals(7, flow.register(publish(1, message())));
    }

    @Test
    void pubAckSettlesOnlyAQos1PublishAndReleasesItsMessage() {
        OutboundInFlight flow = cleanSession();
        Message qos1 = message();
        Message qos2 = message();
        int one = flow.register(publish(1, qos1));
        int two = flow.register(publish(2, qos2));
        flow.pubAck(two);
        assertEquals(1, qos2.refCnt(), "PUBACK does not complete a QoS 2 flow");
        flow.pubAck(one);
        assertEquals(0, qos1.refCnt());
        assertEquals(1, flow.size());
        assertEquals(1, stats.messages.acknowledged.sum());
    }

    @Test
    void qos2HoldsItsIdFromPubRecUntilPubComp() {
        OutboundInFlight flow = cleanSession();
        Message message = message();
        int id = flow.register(publish(2, message));
        flow.pubComp(id);
        assertEquals(1, flow.size(), "PUBCOMP before PUBREC is ignored");
        flow.pubRec(id);
        assertEquals(0, message.refCnt(), "PUBREC settles the message");
        assertFalse(flow.isEmpty(), "the id is held until PUBCOMP");
        List<Integer> pubRelOwed = new ArrayList<>();
        flow.forEach((packetId, publish) -> {
            if (publish.awaitingPubComp()) {
                pubRelOwed.add(packetId);
            }
        });
        assertEquals(List.of(id), pubRelOwed);
        assertEquals(Set.of(id), flow.sentQos2());
        flow.pubComp(id);
        assertTrue(flow.isEmpty());
        assertEquals(1, stats.messages.acknowledged.sum());
    }

    @Test
    void aRecoveredFlowKeepsItsIdsAndResendsWithDup() {
        OutboundInFlight flow = new OutboundInFlight("c", null, stats,
                Map.of(1, 500L, 2, MqttDurableState.PUBREL_OWED), () -> true);
        assertEquals(1, flow.size(), "the owed PUBREL is in flight");
        assertEquals(Set.of(1, 2), flow.sentQos2());
        assertEquals(3, flow.register(publish(1, message())), "a reserved id is not handed out");
        Message resent = message();
        resent.stored(new StoredMessage(500L, new long[0]));
        InFlightPublish again = publish(2, resent);
        assertEquals(1, flow.register(again), "the message goes out with its old id");
        assertTrue(again.markSent(), "and with DUP");
    }

    @Test
    void abandoningReleasesEveryMessage() {
        OutboundInFlight flow = cleanSession();
        Message message = message();
        flow.register(publish(1, message));
        flow.abandonAll();
        assertEquals(0, message.refCnt());
        assertTrue(flow.isEmpty());
    }

    @Test
    void useOffTheOwnerThreadIsRefused() {
        OutboundInFlight flow = new OutboundInFlight("c", null, stats, Map.of(), () -> false);
        assertThrows(AssertionError.class, () -> flow.pubAck(1));
    }
}
