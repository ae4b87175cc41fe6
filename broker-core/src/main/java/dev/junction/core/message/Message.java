package dev.junction.core.message;

import dev.junction.core.store.StoredMessage;
import dev.junction.core.topic.TopicMapping;
import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One published message. It is created once per publish and shared by every queue it is routed to: each queue
 * holds one reference (taken by the router) and releases it when the message is settled or dropped, so the body
 * is never copied per subscriber. When the last reference goes, the body buffer is released.
 */
public final class Message extends AbstractReferenceCounted {
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final String exchange;
    private final String routingKey;
    private final MessageProperties properties;
    private final ByteBuf body;
    private final long publishedAtNanos;
    /** The wall-clock time of the publish (epoch millis), which the store keeps so that expiry outlives a restart. */
    private final long publishedAtMillis;
    /** Set once, before the message is handed to any queue (the hand-over publishes it). */
    private StoredMessage stored;
    /**
     * The routing key as an MQTT topic name, made on first use: by the topic exchange when MQTT subscriptions are
     * bound, then read by every MQTT session it reaches. Threads that race make equal strings; any one will do.
     */
    private String mqttTopicName;
    /** Who published it, if the protocol names a publisher; set before the message reaches any queue. */
    private String publisher;

    /** Takes ownership of {@code body}: the caller must not release it afterwards. */
    public Message(String exchange, String routingKey, MessageProperties properties, ByteBuf body) {
        this(exchange, routingKey, properties, body, System.nanoTime(), System.currentTimeMillis());
    }

    /**
     * A message read back from a store, published at {@code publishedAtMillis} (epoch millis): its
     * {@link #publishedAtNanos()} is as far in the past as that wall-clock time (never in the future, should the
     * clock have been set back). Takes ownership of {@code body}.
     */
    public static Message publishedAt(String exchange, String routingKey, MessageProperties properties, ByteBuf body,
                                      long publishedAtMillis) {
        long nowMillis = System.currentTimeMillis();
        long ageMillis = Math.max(0, nowMillis - publishedAtMillis);
        return new Message(exchange, routingKey, properties, body,
                System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(ageMillis), nowMillis - ageMillis);
    }

    private Message(String exchange, String routingKey, MessageProperties properties, ByteBuf body,
                    long publishedAtNanos, long publishedAtMillis) {
        this.id = IDS.incrementAndGet();
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.properties = properties == null ? MessageProperties.EMPTY : properties;
        this.body = body;
        this.publishedAtNanos = publishedAtNanos;
        this.publishedAtMillis = publishedAtMillis;
    }

    /**
     * The same publish with other properties, before it reaches any queue: a new message sharing this one's body
     * (one more reference to it, never a copy). This message keeps its own reference.
     */
    public Message withProperties(MessageProperties newProperties) {
        Message copy = new Message(exchange, routingKey, newProperties, body.retainedDuplicate(), publishedAtNanos,
                publishedAtMillis);
        copy.publisher = publisher;
        return copy;
    }

    /** Unique within this broker process; the store maps it to its own record ids. */
    public long id() {
        return id;
    }

    public String exchange() {
        return exchange;
    }

    public String routingKey() {
        return routingKey;
    }

    /** The routing key as the MQTT topic name a subscriber sees ({@link TopicMapping}); made once per message. */
    public String mqttTopicName() {
        String topicName = mqttTopicName;
        if (topicName == null) {
            topicName = TopicMapping.topicName(routingKey);
            mqttTopicName = topicName;
        }
        return topicName;
    }

    public MessageProperties properties() {
        return properties;
    }

    /** The body, still owned by this message: use {@code retainedDuplicate()} to hand it to a writer. */
    public ByteBuf body() {
        return body;
    }

    public int bodySize() {
        return body.readableBytes();
    }

    public long publishedAtNanos() {
        return publishedAtNanos;
    }

    /** The wall-clock time of the publish, epoch milliseconds. */
    public long publishedAtMillis() {
        return publishedAtMillis;
    }

    /**
     * The publisher's identity in its protocol (an MQTT client id), which {@code x-consumer-selection =
     * hash-publisher} distributes by; null when unknown. Not stored: a message read back from the store has none.
     */
    public String publisher() {
        return publisher;
    }

    /** Called by the publishing protocol handler before the message is routed. */
    public void publisher(String publisherId) {
        this.publisher = publisherId;
    }

    /** The store's copy, which durable queues settle; null if the message was not written to a store. */
    public StoredMessage stored() {
        return stored;
    }

    /** Called by the publishing virtual host (or recovery) before the message reaches any queue. */
    public void stored(StoredMessage storedCopy) {
        this.stored = storedCopy;
    }

    @Override
    protected void deallocate() {
        body.release();
    }

    @Override
    public Message touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public Message retain() {
        super.retain();
        return this;
    }

    @Override
    public ReferenceCounted retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public String toString() {
        return "Message{id=" + id + ", exchange='" + exchange + "', routingKey='" + routingKey + "', bytes="
                + body.readableBytes() + '}';
    }
}
