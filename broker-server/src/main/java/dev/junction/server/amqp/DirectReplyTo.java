package dev.junction.server.amqp;

import dev.junction.core.message.Message;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * RabbitMQ's direct reply-to: a channel consuming from the pseudo-queue {@code amq.rabbitmq.reply-to} gets an
 * address, which its requests carry as reply-to; a reply published to the default exchange with that address as
 * routing key goes straight to the channel, with no queue in between.
 */
final class DirectReplyTo {
    static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
    private static final String PREFIX = PSEUDO_QUEUE + ".";

    private final ConcurrentHashMap<String, ChannelConsumers> channels = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    static boolean isAddress(String routingKey) {
        return routingKey.startsWith(PREFIX);
    }

    /** A fresh, unguessable address for the channel. */
    String register(ChannelConsumers channel) {
        byte[] token = new byte[18];
        random.nextBytes(token);
        String address = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        channels.put(address, channel);
        return address;
    }

    /** Whether a channel holds the address now: its requester is connected and still consuming replies. */
    boolean isRegistered(String address) {
        return channels.containsKey(address);
    }

    void unregister(String address) {
        channels.remove(address);
    }

    /** Hands the message to the addressed channel, taking over the reference; false if nobody has the address. */
    boolean deliver(String address, Message message) {
        ChannelConsumers channel = channels.get(address);
        if (channel == null) {
            return false;
        }
        channel.offerReply(message);
        return true;
    }
}
