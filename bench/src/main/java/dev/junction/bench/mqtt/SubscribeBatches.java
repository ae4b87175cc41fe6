package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.SubAckReturnCode;
import dev.junction.mqtt.codec.Subscribe;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The SUBSCRIBE packets of one connection: its filters, {@code perPacket} to a packet (MQTT 3.1.1 lets one SUBSCRIBE
 * carry many), pipelined with at most {@code maxOutstanding} packets waiting for their SUBACK, so that a broker is
 * measured at the rate it subscribes, not at one round trip per filter. Used on the connection's event loop only,
 * except for {@link #acknowledged()} and {@link #done()}.
 */
final class SubscribeBatches {
    private final List<String> filters;
    private final MqttQos qos;
    private final int perPacket;
    private final int maxOutstanding;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Packet identifier of each unanswered SUBSCRIBE, to the number of filters it carried. */
    private final Map<Integer, Integer> outstanding = new HashMap<>();
    private int sent;
    private int lastPacketId;
    private volatile long acknowledged;

    SubscribeBatches(List<String> filters, MqttQos qos, int perPacket, int maxOutstanding) {
        if (perPacket < 1 || maxOutstanding < 1) {
            throw new IllegalArgumentException("filters per SUBSCRIBE and SUBSCRIBEs outstanding must be positive");
        }
        this.filters = filters;
        this.qos = qos;
        this.perPacket = perPacket;
        this.maxOutstanding = maxOutstanding;
        if (filters.isEmpty()) {
            done.complete(null);
        }
    }

    /** Completes on the SUBACK of the last filter; fails on a refused filter or a lost connection. */
    CompletableFuture<Void> done() {
        return done;
    }

    /** Filters the broker has acknowledged so far. */
    long acknowledged() {
        return acknowledged;
    }

    /** Writes SUBSCRIBEs until {@code maxOutstanding} are unanswered or every filter is sent. */
    void sendMore(Channel channel) {
        boolean wrote = false;
        while (outstanding.size() < maxOutstanding && sent < filters.size()) {
            int count = Math.min(perPacket, filters.size() - sent);
            List<Subscribe.Subscription> batch = new ArrayList<>(count);
            for (int i = sent; i < sent + count; i++) {
                batch.add(new Subscribe.Subscription(filters.get(i), qos));
            }
            sent += count;
            lastPacketId = lastPacketId == 0xFFFF ? 1 : lastPacketId + 1;
            outstanding.put(lastPacketId, count);
            channel.write(new Subscribe(lastPacketId, batch), channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    /** @return why the SUBACK is wrong, or null if it acknowledged every filter of its SUBSCRIBE */
    String acknowledge(SubAck subAck, Channel channel) {
        Integer count = outstanding.remove(subAck.packetId());
        if (count == null) {
            return "SUBACK for packet " + subAck.packetId() + ", which no unanswered SUBSCRIBE has";
        }
        if (subAck.returnCodes().size() != count) {
            return "SUBACK for packet " + subAck.packetId() + " has " + subAck.returnCodes().size()
                    + " return codes for " + count + " filters [MQTT-3.8.4-5]";
        }
        if (subAck.returnCodes().contains(SubAckReturnCode.FAILURE)) {
            return "subscription refused (0x80 in the SUBACK for packet " + subAck.packetId() + ")";
        }
        acknowledged += count;
        if (sent == filters.size() && outstanding.isEmpty()) {
            done.complete(null);
        } else {
            sendMore(channel);
        }
        return null;
    }
}
