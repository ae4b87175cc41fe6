package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code $SYS/broker/...} topics. They are kept as retained messages, so a new subscriber sees the latest
 * values at once, and pushed to connected subscribers at each interval. They never enter the exchange: AMQP
 * clients can neither see nor forge them.
 */
final class SysTopics {
    private static final String VERSION = versionOf(SysTopics.class.getPackage().getImplementationVersion());

    private final MqttPublisher publisher;
    private final RetainedMessages retained;
    private final SessionRegistry sessions;
    private final MqttStats stats;

    SysTopics(MqttPublisher publisher, RetainedMessages retained, SessionRegistry sessions, MqttStats stats) {
        this.publisher = publisher;
        this.retained = retained;
        this.sessions = sessions;
        this.stats = stats;
    }

    void publish() {
        for (Map.Entry<String, String> value : values().entrySet()) {
            Message message = publisher.internalMessage(value.getKey(),
                    Unpooled.copiedBuffer(value.getValue(), StandardCharsets.UTF_8));
            retained.store(value.getKey(), message.retain());
            for (MqttSession session : sessions.all()) {
                Message reference = message.retain();
                session.execute(() -> session.deliverSys(value.getKey(), reference));
            }
            message.release();
        }
    }

    private Map<String, String> values() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("$SYS/broker/version", "Junction " + VERSION);
        values.put("$SYS/broker/uptime", TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stats.startedAtNanos)
                + " seconds");
        values.put("$SYS/broker/clients/connected", String.valueOf(stats.clientsConnected.get()));
        values.put("$SYS/broker/messages/received", String.valueOf(stats.messagesReceived.sum()));
        values.put("$SYS/broker/messages/sent", String.valueOf(stats.messagesSent.sum()));
        values.put("$SYS/broker/messages/dropped", String.valueOf(stats.messagesDropped.sum()));
        for (MqttDropReason reason : MqttDropReason.values()) {
            values.put("$SYS/broker/messages/dropped/" + reason.label(), String.valueOf(stats.dropped(reason)));
        }
        values.put("$SYS/broker/bytes/received", String.valueOf(stats.bytesReceived.sum()));
        values.put("$SYS/broker/bytes/sent", String.valueOf(stats.bytesSent.sum()));
        values.put("$SYS/broker/subscriptions/count", String.valueOf(stats.subscriptions.get()));
        return values;
    }

    private static String versionOf(String implementationVersion) {
        return implementationVersion == null ? "development build" : implementationVersion;
    }
}
