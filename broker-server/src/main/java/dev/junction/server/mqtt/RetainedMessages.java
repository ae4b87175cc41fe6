package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import dev.junction.core.topic.TopicSyntax;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The broker-wide retained messages, one per topic name. Each stored message holds one reference; readers take
 * their own reference inside the map's per-key critical section, so a concurrent replacement can never release a
 * message between a reader finding it and retaining it.
 */
public final class RetainedMessages {
    private final ConcurrentHashMap<String, Message> byTopic = new ConcurrentHashMap<>();

    /**
     * Takes over one reference to {@code message}: it becomes the topic's retained message, or, with an empty
     * payload, deletes the topic's retained message and is released [MQTT-3.3.1-10, MQTT-3.3.1-11].
     */
    public void store(String topicName, Message message) {
        boolean delete = message.bodySize() == 0;
        byTopic.compute(topicName, (topic, old) -> {
            if (old != null) {
                old.release();
            }
            return delete ? null : message;
        });
        if (delete) {
            message.release();
        }
    }

    /** Hands each retained message matching the filter, with a reference the receiver must release. */
    public void forEachMatching(String filter, Consumer<Message> receiver) {
        if (!TopicSyntax.MQTT.hasWildcard(filter)) {
            retainedCopy(filter, receiver);
            return;
        }
        for (String topicName : byTopic.keySet()) {
            if (TopicSyntax.MQTT.matches(filter, topicName)) {
                retainedCopy(topicName, receiver);
            }
        }
    }

    private void retainedCopy(String topicName, Consumer<Message> receiver) {
        Message[] found = new Message[1];
        byTopic.computeIfPresent(topicName, (topic, message) -> {
            found[0] = message.retain();
            return message;
        });
        if (found[0] != null) {
            receiver.accept(found[0]);
        }
    }

    /** Deletes the topic's retained message; false if it had none. */
    public boolean remove(String topicName) {
        Message[] removed = new Message[1];
        byTopic.computeIfPresent(topicName, (topic, message) -> {
            removed[0] = message;
            return null;
        });
        if (removed[0] == null) {
            return false;
        }
        removed[0].release();
        return true;
    }

    public int size() {
        return byTopic.size();
    }

    /** Releases every retained message (broker shutdown). */
    public void clear() {
        for (String topicName : byTopic.keySet()) {
            byTopic.computeIfPresent(topicName, (topic, message) -> {
                message.release();
                return null;
            });
        }
    }
}
