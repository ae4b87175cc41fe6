package dev.junction.bench.mqtt;

import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.MalformedPacket;
import dev.junction.mqtt.codec.MqttChannelVersion;
import dev.junction.mqtt.codec.MqttInbound;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.PubComp;
import dev.junction.mqtt.codec.PubRec;
import dev.junction.mqtt.codec.PubRel;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.ReasonCode;
import dev.junction.mqtt.codec.SubAck;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One MQTT connection of the load generator: connects, optionally subscribes, publishes when given an allowance
 * and counts what it receives. It speaks just enough of the client side of MQTT 3.1.1 or 5 for load (clean or
 * persistent sessions, no keep alive, no will), acknowledges every QoS 1 and 2 delivery, and runs entirely on its
 * channel's event loop. In MQTT 5 it keeps to the broker's Receive Maximum and, when asked to, uses topic aliases
 * both ways ({@link ClientOptions#topicAliases()}).
 *
 * <p>Every payload starts with the sender's {@link System#nanoTime()}, which gives end-to-end latency without
 * any lookup on the receiving side.
 */
final class LoadClient extends SimpleChannelInboundHandler<MqttInbound> {
    static final int MIN_PAYLOAD = Long.BYTES;

    /** MQTT 5 session expiry of a persistent session: never, as an MQTT 3.1.1 persistent session. */
    private static final long NEVER_EXPIRES = 0xFFFF_FFFFL;

    private final String clientId;
    private final ClientOptions options;
    /** MQTT 5 only, else null. */
    private final ReceivedTopicAliases receivedAliases;
    private final CompletableFuture<Void> connected = new CompletableFuture<>();
    private volatile Channel channel;
    private volatile boolean closing;

    private DeliveryWindow window;
    private LatencySamples latencies;
    private SubscribeBatches subscriptions;
    private String[] topics;
    private int nextTopic;
    /** Null unless this client publishes with topic aliases. */
    private PublisherTopicAliases publishAliases;
    /** MQTT 5 CONNACK: unacknowledged QoS 1 and 2 PUBLISHes the broker accepts; absent means 65535. */
    private int brokerReceiveMaximum = 0xFFFF;
    /** MQTT 5 CONNACK: topic aliases the broker accepts from this client; absent means none. */
    private volatile int brokerTopicAliasMaximum;
    private MqttQos publishQos;
    private int payloadSize;
    private int maxInFlight;
    private long allowance;
    private int inFlight;
    private int nextPacketId;
    /** Written by this client's event loop alone; read once the run is over. */
    private volatile long received;
    // Allocated once: the window keeps a starved publisher's wake-up, and every wake-up schedules a pump.
    private final Runnable pumpOnEventLoop = this::pump;
    private final Runnable wake = () -> channel.eventLoop().execute(pumpOnEventLoop);

    /** @param latencies where received messages' latencies go, or null not to record them */
    LoadClient(String clientId, ClientOptions options, DeliveryWindow window, LatencySamples latencies) {
        this.clientId = clientId;
        this.options = options;
        this.receivedAliases = options.version().isMqtt5()
                ? new ReceivedTopicAliases(options.topicAliases() ? ReceivedTopicAliases.DECLARED_MAXIMUM : 0)
                : null;
        this.window = window;
        this.latencies = latencies;
    }

    /** Completes on an accepted CONNACK; fails on a refusal or a lost connection. */
    CompletableFuture<Void> connected() {
        return connected;
    }

    CompletableFuture<Void> subscribe(String filter, MqttQos qos) {
        return subscribe(new SubscribeBatches(List.of(filter), qos, 1, 1));
    }

    /** Sends the batches' SUBSCRIBEs; completes on the last SUBACK. One set of batches per connection. */
    CompletableFuture<Void> subscribe(SubscribeBatches batches) {
        channel.eventLoop().execute(() -> {
            subscriptions = batches;
            batches.sendMore(channel);
        });
        return batches.done();
    }

    /**
     * Counts later deliveries and publishes in {@code window} and records received latencies in {@code latencies}
     * (null: none), so that one set of connections can serve a warm-up and a measured phase. Call it between
     * phases, when nothing is in flight.
     */
    CompletableFuture<Void> measureInto(DeliveryWindow window, LatencySamples latencies) {
        return CompletableFuture.runAsync(() -> {
            this.window = window;
            this.latencies = latencies;
        }, channel.eventLoop());
    }

    /** The Topic Alias Maximum of the broker's CONNACK (0 before it, in MQTT 3.1.1, or when absent). */
    int brokerTopicAliasMaximum() {
        return brokerTopicAliasMaximum;
    }

    /**
     * Sets what {@link #allowPublishes} sends; must be called before it and after {@link #connected()}. With topic
     * aliases, fails the client if the broker accepts none.
     */
    void publishTo(String topic, MqttQos qos, int payloadSize, int maxInFlight) {
        publishTo(new String[] {topic}, qos, payloadSize, maxInFlight);
    }

    /** Like {@link #publishTo(String, MqttQos, int, int)}, each publish to the next of {@code topics}, in a cycle. */
    void publishTo(String[] topics, MqttQos qos, int payloadSize, int maxInFlight) {
        if (payloadSize < MIN_PAYLOAD) {
            throw new IllegalArgumentException("payload must hold the " + MIN_PAYLOAD + "-byte send timestamp");
        }
        channel.eventLoop().execute(() -> {
            this.topics = topics;
            this.publishQos = qos;
            this.payloadSize = payloadSize;
            this.maxInFlight = Math.min(maxInFlight, brokerReceiveMaximum);
            if (options.topicAliases()) {
                if (brokerTopicAliasMaximum == 0) {
                    fail(new IllegalStateException(clientId + ": the broker accepts no topic aliases "
                            + "(no Topic Alias Maximum in its CONNACK): run without topic aliases"));
                    return;
                }
                publishAliases = new PublisherTopicAliases(topics, brokerTopicAliasMaximum);
            }
        });
    }

    /** Lets the client publish {@code messages} more, as fast as the window, QoS flow and socket allow. */
    void allowPublishes(long messages) {
        channel.eventLoop().execute(() -> {
            allowance += messages;
            pump();
        });
    }

    CompletableFuture<Void> close() {
        closing = true;
        if (channel == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> closed = new CompletableFuture<>();
        channel.close().addListener(f -> closed.complete(null));
        return closed;
    }

    private void pump() {
        boolean wrote = false;
        while (allowance > 0 && inFlight < maxInFlight && channel.isWritable() && window.tryAcquire(wake)) {
            allowance--;
            channel.write(nextPublish(), channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    private Publish nextPublish() {
        int packetId = 0;
        if (publishQos != MqttQos.AT_MOST_ONCE) {
            inFlight++;
            nextPacketId = nextPacketId == 0xFFFF ? 1 : nextPacketId + 1;
            packetId = nextPacketId;
        }
        ByteBuf payload = channel.alloc().buffer(payloadSize);
        payload.writeLong(System.nanoTime()).writeZero(payloadSize - MIN_PAYLOAD);
        int topic = nextTopic;
        nextTopic = nextTopic + 1 == topics.length ? 0 : nextTopic + 1;
        return publishAliases == null
                ? new Publish(topics[topic], publishQos, false, false, packetId, payload)
                : publishAliases.publish(topic, publishQos, packetId, payload);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (options.version().isMqtt5()) {
            // Before CONNECT: the decoder reads the broker's answers by the version it finds on the channel.
            MqttChannelVersion.set(channel, options.version());
        }
        ctx.writeAndFlush(new Connect(options.version(), options.cleanSession(), 0, clientId, null, null, null,
                connectProperties()));
    }

    private MqttProperties connectProperties() {
        if (!options.version().isMqtt5()) {
            return MqttProperties.NONE;
        }
        MqttProperties.Builder properties = MqttProperties.builder();
        if (!options.cleanSession()) {
            properties.sessionExpiryInterval(NEVER_EXPIRES);
        }
        if (options.topicAliases()) {
            properties.topicAliasMaximum(ReceivedTopicAliases.DECLARED_MAXIMUM);
        }
        return properties.build();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttInbound packet) {
        if (packet instanceof Publish publish) {
            received(ctx, publish);
        } else if (packet instanceof PubAck ack) {
            acknowledged(ack.reasonCode(), ack.packetId());
        } else if (packet instanceof PubComp comp) {
            acknowledged(comp.reasonCode(), comp.packetId());
        } else if (packet instanceof PubRec rec) {
            if (rec.reasonCode().isFailure()) {
                acknowledged(rec.reasonCode(), rec.packetId());
            } else {
                ctx.write(new PubRel(rec.packetId()), ctx.voidPromise());
            }
        } else if (packet instanceof PubRel rel) {
            ctx.write(new PubComp(rel.packetId()), ctx.voidPromise());
        } else if (packet instanceof ConnAck connAck) {
            connAck(connAck);
        } else if (packet instanceof SubAck subAck) {
            subAck(subAck);
        } else if (packet instanceof MalformedPacket malformed) {
            fail(new IllegalStateException(clientId + ": malformed packet from the broker: " + malformed.reason()));
        } else {
            fail(new IllegalStateException(clientId + ": unexpected packet from the broker: " + packet));
        }
    }

    /** The payload is released by {@link SimpleChannelInboundHandler} after this returns. */
    private void received(ChannelHandlerContext ctx, Publish publish) {
        if (receivedAliases != null && receivedAliases.topicOf(publish) == null) {
            fail(new IllegalStateException(clientId + ": PUBLISH with topic '" + publish.topic() + "' and "
                    + publish.properties().topicAlias() + " breaks the rules of topic aliases (section 3.3.2.3.4)"));
            return;
        }
        if (latencies != null) {
            ByteBuf payload = publish.payload();
            latencies.record(System.nanoTime() - payload.getLong(payload.readerIndex()));
        }
        switch (publish.qos()) {
            case AT_LEAST_ONCE -> ctx.write(new PubAck(publish.packetId()), ctx.voidPromise());
            case EXACTLY_ONCE -> ctx.write(new PubRec(publish.packetId()), ctx.voidPromise());
            case AT_MOST_ONCE -> { }
        }
        received++;
        window.recordDelivery();
    }

    /** PUBLISHes this client has received. */
    long receivedCount() {
        return received;
    }

    /** A PUBACK, PUBCOMP or a failed PUBREC: in MQTT 5 a failure reason code means the broker refused the message. */
    private void acknowledged(ReasonCode reasonCode, int packetId) {
        if (reasonCode.isFailure()) {
            fail(new IllegalStateException(clientId + ": the broker refused PUBLISH " + packetId + ": " + reasonCode));
            return;
        }
        inFlight--;
        pump();
    }

    private void connAck(ConnAck connAck) {
        if (connAck.reasonCode().isFailure()) {
            fail(new IllegalStateException(clientId + ": connection refused: " + (options.version().isMqtt5()
                    ? connAck.reasonCode() : connAck.returnCode())));
            return;
        }
        brokerReceiveMaximum = connAck.properties().receiveMaximum().orElse(brokerReceiveMaximum);
        brokerTopicAliasMaximum = connAck.properties().topicAliasMaximum().orElse(0);
        connected.complete(null);
    }

    private void subAck(SubAck subAck) {
        String wrong = subscriptions == null ? "SUBACK without a SUBSCRIBE" : subscriptions.acknowledge(subAck, channel);
        if (wrong != null) {
            fail(new IllegalStateException(clientId + ": " + wrong));
        }
    }

    private void fail(Throwable cause) {
        connected.completeExceptionally(cause);
        window.abort(cause);
        if (subscriptions != null) {
            subscriptions.done().completeExceptionally(cause);
        }
        channel.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        pump();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!closing) {
            fail(new IllegalStateException(clientId + ": the broker closed the connection"));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(cause);
    }
}
