package dev.junction.bench.mqtt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.junction.mqtt.codec.ConnAck;
import dev.junction.mqtt.codec.Connect;
import dev.junction.mqtt.codec.ConnectReturnCode;
import dev.junction.mqtt.codec.MqttEncoder;
import dev.junction.mqtt.codec.MqttProperties;
import dev.junction.mqtt.codec.MqttProtocolVersion;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.Publish;
import dev.junction.mqtt.codec.ReasonCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link LoadClient}'s protocol options on an {@link EmbeddedChannel}, where the broker's side is written by hand. */
class LoadClientMqtt5Test {
    private final DeliveryWindow window = new DeliveryWindow(1, 100, 100);
    private EmbeddedChannel channel;

    @AfterEach
    void release() {
        channel.finishAndReleaseAll();
    }

    @Test
    void mqtt311ConnectAndPublishAreTheSameBytesAsBefore() {
        channel = new EmbeddedChannel(MqttEncoder.INSTANCE, new LoadClient("c", ClientOptions.mqtt311(true), window, null));
        assertEquals("100d00044d51545404020000000163", hexOfNextOutbound());
        LoadClient client = (LoadClient) channel.pipeline().last();
        channel.writeInbound(new ConnAck(false, ConnectReturnCode.ACCEPTED));

        client.publishTo("t", MqttQos.AT_LEAST_ONCE, 8, 10);
        client.allowPublishes(1);
        channel.runPendingTasks();
        assertEquals("320d0001740001", hexOfNextOutbound(), "fixed header, topic and packet identifier");
        ByteBuf payload = channel.readOutbound();
        assertEquals(8, payload.readableBytes());
        payload.release();
    }

    @Test
    void anMqtt5PublisherNamesItsTopicOnceAndThenSendsTheAliasAlone() {
        LoadClient client = connected(ClientOptions.mqtt5(true, true),
                MqttProperties.builder().topicAliasMaximum(2).build());

        client.publishTo(new String[] {"t/a", "t/b", "t/c"}, MqttQos.AT_MOST_ONCE, 8, 10);
        client.allowPublishes(6);
        channel.runPendingTasks();
        String[] topics = new String[6];
        int[] aliases = new int[6];
        for (int i = 0; i < 6; i++) {
            Publish publish = channel.readOutbound();
            topics[i] = publish.topic();
            aliases[i] = publish.properties().topicAlias().orElse(0);
            publish.release();
        }
        assertArrayEquals(new String[] {"t/a", "t/b", "t/c", "", "", "t/c"}, topics);
        assertArrayEquals(new int[] {1, 2, 0, 1, 2, 0}, aliases, "t/c is beyond the broker's Topic Alias Maximum");
    }

    @Test
    void anMqtt5ConnectDeclaresTheAliasesItAcceptsAndKeepsPersistentSessions() {
        channel = new EmbeddedChannel(new LoadClient("c", ClientOptions.mqtt5(false, true), window, null));
        Connect connect = channel.readOutbound();
        assertEquals(MqttProtocolVersion.MQTT_5, connect.version());
        assertFalse(connect.cleanStart());
        assertEquals(OptionalInt.of(ReceivedTopicAliases.DECLARED_MAXIMUM), connect.properties().topicAliasMaximum());
        assertEquals(0xFFFF_FFFFL, connect.properties().sessionExpiryInterval().orElseThrow());

        EmbeddedChannel plain = new EmbeddedChannel(new LoadClient("d", ClientOptions.mqtt5(true, false), window, null));
        Connect withoutAliases = plain.readOutbound();
        assertTrue(withoutAliases.properties().isEmpty(), withoutAliases.toString());
        plain.finishAndReleaseAll();
    }

    @Test
    void anMqtt5PublisherKeepsToTheBrokersReceiveMaximum() {
        LoadClient client = connected(ClientOptions.mqtt5(true, false), MqttProperties.builder().receiveMaximum(3).build());

        client.publishTo("t", MqttQos.AT_LEAST_ONCE, 8, 10);
        client.allowPublishes(5);
        channel.runPendingTasks();
        assertEquals(3, releaseOutbound(), "three unacknowledged, as the broker's Receive Maximum allows");
        channel.writeInbound(new PubAck(1));
        assertEquals(1, releaseOutbound());
    }

    @Test
    void aTopicAliasRunFailsAgainstABrokerThatAcceptsNoAliases() {
        LoadClient client = connected(ClientOptions.mqtt5(true, true), MqttProperties.NONE);

        client.publishTo("t", MqttQos.AT_MOST_ONCE, 8, 10);
        channel.runPendingTasks();
        assertTrue(window.allDelivered().isCompletedExceptionally());
        assertFalse(channel.isOpen());
    }

    @Test
    void aRefusedPublishFailsTheRun() {
        LoadClient client = connected(ClientOptions.mqtt5(true, false), MqttProperties.NONE);
        client.publishTo("t", MqttQos.AT_LEAST_ONCE, 8, 10);
        client.allowPublishes(1);
        channel.runPendingTasks();
        releaseOutbound();

        channel.writeInbound(new PubAck(1, ReasonCode.QUOTA_EXCEEDED, MqttProperties.NONE));
        assertTrue(window.allDelivered().isCompletedExceptionally());
    }

    @Test
    void anMqtt5SubscriberResolvesTheAliasesTheBrokerSets() {
        LoadClient client = connected(ClientOptions.mqtt5(true, true), MqttProperties.NONE);

        channel.writeInbound(aliased("t/a", 7), aliased("", 7), aliased("t/b", 7), aliased("", 7));
        assertEquals(4, client.receivedCount());
        assertTrue(channel.isOpen());
        assertNull(channel.readOutbound(), "QoS 0: nothing to acknowledge");
    }

    @Test
    void anAliasTheBrokerNeverNamedFailsTheRun() {
        LoadClient client = connected(ClientOptions.mqtt5(true, true), MqttProperties.NONE);

        channel.writeInbound(aliased("t/a", 1), aliased("", 2));
        assertEquals(1, client.receivedCount());
        assertFalse(channel.isOpen());
        assertTrue(window.allDelivered().isCompletedExceptionally());
    }

    @Test
    void anAliasToASubscriberThatDeclaredNoneFailsTheRun() {
        LoadClient client = connected(ClientOptions.mqtt5(true, false), MqttProperties.NONE);

        channel.writeInbound(aliased("t/a", 1));
        assertEquals(0, client.receivedCount());
        assertFalse(channel.isOpen());
    }

    /** A client on {@link #channel} that received a CONNACK with {@code properties}; its CONNECT is read. */
    private LoadClient connected(ClientOptions options, MqttProperties properties) {
        LoadClient client = new LoadClient("c", options, window, null);
        channel = new EmbeddedChannel(client);
        assertTrue(channel.readOutbound() instanceof Connect);
        channel.writeInbound(new ConnAck(false, ReasonCode.SUCCESS, properties));
        assertTrue(client.connected().isDone() && !client.connected().isCompletedExceptionally());
        return client;
    }

    private static Publish aliased(String topic, int alias) {
        return new Publish(topic, MqttQos.AT_MOST_ONCE, false, false, 0,
                Unpooled.wrappedBuffer(new byte[LoadClient.MIN_PAYLOAD]), MqttProperties.builder().topicAlias(alias).build());
    }

    private String hexOfNextOutbound() {
        ByteBuf bytes = channel.readOutbound();
        try {
            return ByteBufUtil.hexDump(bytes);
        } finally {
            bytes.release();
        }
    }

    /** @return how many PUBLISHes were written, releasing them */
    private int releaseOutbound() {
        int count = 0;
        for (Object packet; (packet = channel.readOutbound()) != null; count++) {
            ((Publish) packet).release();
        }
        return count;
    }
}
