package dev.junction.server.amqp;

import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;

/**
 * The limits an AMQP connection negotiates and enforces, with RabbitMQ's defaults. The config keys are
 * {@code amqp.frame_max}, {@code amqp.channel_max}, {@code amqp.heartbeat} and {@code amqp.max_message_size}.
 *
 * @param frameMax the largest frame the server accepts and offers in connection.tune (bytes)
 * @param channelMax the highest channel number a client may open
 * @param heartbeatSeconds the heartbeat interval the server proposes; 0 disables heartbeats
 * @param maxMessageSize the largest message body accepted by basic.publish (bytes)
 */
public record AmqpSettings(long frameMax, int channelMax, int heartbeatSeconds, long maxMessageSize) {
    public static final long DEFAULT_FRAME_MAX = 131_072;
    public static final int DEFAULT_CHANNEL_MAX = 2047;
    public static final int DEFAULT_HEARTBEAT_SECONDS = 60;
    public static final long DEFAULT_MAX_MESSAGE_SIZE = 16L * 1024 * 1024;

    public AmqpSettings {
        if (frameMax < 4096 || frameMax > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("amqp.frame_max must be 4096..4294967295, was " + frameMax);
        }
        if (channelMax < 1 || channelMax > 0xFFFF) {
            throw new IllegalArgumentException("amqp.channel_max must be 1..65535, was " + channelMax);
        }
        if (heartbeatSeconds < 0 || heartbeatSeconds > 0xFFFF) {
            throw new IllegalArgumentException("amqp.heartbeat must be 0..65535, was " + heartbeatSeconds);
        }
        if (maxMessageSize < 1) {
            throw new IllegalArgumentException("amqp.max_message_size must be positive, was " + maxMessageSize);
        }
    }

    /** From the daemon's configuration. */
    public static AmqpSettings from(Config config) {
        return new AmqpSettings(config.get(ConfigKeys.AMQP_FRAME_MAX), config.get(ConfigKeys.AMQP_CHANNEL_MAX),
                config.get(ConfigKeys.AMQP_HEARTBEAT), config.get(ConfigKeys.AMQP_MAX_MESSAGE_SIZE));
    }

    public static AmqpSettings defaults() {
        return new AmqpSettings(DEFAULT_FRAME_MAX, DEFAULT_CHANNEL_MAX, DEFAULT_HEARTBEAT_SECONDS,
                DEFAULT_MAX_MESSAGE_SIZE);
    }

    public AmqpSettings withHeartbeat(int seconds) {
        return new AmqpSettings(frameMax, channelMax, seconds, maxMessageSize);
    }

    public AmqpSettings withMaxMessageSize(long bytes) {
        return new AmqpSettings(frameMax, channelMax, heartbeatSeconds, bytes);
    }
}
