package dev.junction.server.mqtt;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.junction.mqtt.codec.Disconnect;
import dev.junction.mqtt.codec.MqttQos;
import dev.junction.mqtt.codec.PubAck;
import dev.junction.mqtt.codec.SubAck;
import dev.junction.mqtt.codec.Subscribe;
import dev.junction.mqtt.codec.UnsubAck;
import dev.junction.mqtt.codec.Unsubscribe;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.junction.server.mqtt.RawMqttClient.publish;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared subscriptions ({@code $share/{group}/{filter}}) for MQTT 3.1.1 clients, over real sockets: Paho members
 * and a RabbitMQ Java client consumer of the group's queue share the work, one delivery per message; a departed
 * member's unacknowledged messages go to another; retained messages are not sent; invalid share names are refused;
 * the group lives with its holders, persistent ones across a restart; the three balancing strategies.
 */
class SharedSubscriptionTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;
    private JunctionServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    private void start(String strategy) throws Exception {
        server = JunctionServer.start(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getLoopbackAddress())
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.MQTT_SHARED_SUBSCRIPTION_STRATEGY,
                        ConfigKeys.MQTT_SHARED_SUBSCRIPTION_STRATEGY.parse(strategy)));
    }

    private void restart() throws Exception {
        closeClients();
        server.close();
        start("round_robin");
    }

    @AfterEach
    void stop() throws Exception {
        closeClients();
        if (server != null) {
            server.close();
        }
    }

    private void closeClients() throws Exception {
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        clients.clear();
    }

    /** What a Paho member received: payloads in order, and which came with DUP. */
    static final class Member implements MqttCallback {
        final List<String> payloads = new CopyOnWriteArrayList<>();
        final Set<String> duplicates = ConcurrentHashMap.newKeySet();
        final List<MqttMessage> messages = new CopyOnWriteArrayList<>();

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            String payload = new String(message.getPayload(), StandardCharsets.UTF_8);
            payloads.add(payload);
            messages.add(message);
            if (message.isDuplicate()) {
                duplicates.add(payload);
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
        }
    }

    private MqttClient paho(String clientId, boolean cleanSession, Member member, boolean manualAcks)
            throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + server.port(Protocol.MQTT), clientId,
                new MemoryPersistence());
        client.setCallback(member);
        client.setManualAcks(manualAcks);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setAutomaticReconnect(false);
        options.setMaxInflight(65_535);
        client.connect(options);
        clients.add(() -> {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        });
        return client;
    }

    /** A persistent member that subscribes and leaves with DISCONNECT, holding the group while offline. */
    private void offlineMember(String clientId, String filter) throws IOException {
        RawMqttClient member = raw();
        member.connect(clientId, false);
        subscribe(member, filter, 1, 1);
        member.send(Disconnect.INSTANCE);
    }

    /** Reads and acknowledges the numbered messages 0..count-1, in order. */
    private static void readNumbered(RawMqttClient client, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            RawMqttClient.Received received = client.readPublish();
            assertEquals(Integer.toString(i), received.payload());
            client.send(new PubAck(received.packetId()));
        }
    }

    private RawMqttClient raw() throws IOException {
        RawMqttClient client = new RawMqttClient(server.port(Protocol.MQTT));
        clients.add(client);
        return client;
    }

    private Channel amqp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        Connection connection = factory.newConnection();
        clients.add(() -> {
            if (connection.isOpen()) {
                connection.close(2000);
            }
        });
        return connection.createChannel();
    }

    /** An AMQP consumer of {@code queue} that acknowledges each delivery; the payloads it got, in order. */
    private List<String> amqpConsumer(String queue, int prefetch, Map<String, Object> arguments) throws Exception {
        Channel channel = amqp();
        channel.basicQos(prefetch);
        List<String> payloads = new CopyOnWriteArrayList<>();
        channel.basicConsume(queue, false, arguments, new DefaultConsumer(channel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
                                       byte[] body) throws IOException {
                payloads.add(new String(body, StandardCharsets.UTF_8));
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        });
        return payloads;
    }

    /** Publishes {@code count} QoS 1 messages "0".."count-1" on {@code topic}, each acknowledged. */
    private void publishNumbered(String clientId, String topic, int count) throws Exception {
        MqttClient publisher = paho(clientId, true, new Member(), false);
        for (int i = 0; i < count; i++) {
            publisher.publish(topic, Integer.toString(i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
    }

    private static Set<String> numbered(int count) {
        Set<String> all = new HashSet<>();
        for (int i = 0; i < count; i++) {
            all.add(Integer.toString(i));
        }
        return all;
    }

    /** Every message reached exactly one of the members. */
    private static void assertEachExactlyOnce(int count, List<List<String>> received) {
        List<String> all = new ArrayList<>();
        received.forEach(all::addAll);
        assertEquals(count, all.size(), "one delivery per message: " + received);
        assertEquals(numbered(count), new HashSet<>(all));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void membersShareTheMessagesRoundRobin(int memberCount) throws Exception {
        start("round_robin");
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < memberCount; i++) {
            Member member = new Member();
            paho("worker-" + i, true, member, false).subscribe("$share/workers/jobs/#", 1);
            members.add(member);
        }
        int count = 300;
        publishNumbered("producer", "jobs/resize", count);
        await().atMost(DEADLINE).until(() -> members.stream().mapToInt(m -> m.payloads.size()).sum() >= count);
        assertEachExactlyOnce(count, members.stream().map(m -> m.payloads).toList());
        for (Member member : members) {
            int fair = count / memberCount;
            assertTrue(Math.abs(member.payloads.size() - fair) <= fair / 5,
                    "roughly even: " + members.stream().map(m -> m.payloads.size()).toList());
        }
    }

    @Test
    void anAmqpConsumerOfTheGroupQueueSharesTheWork() throws Exception {
        start("round_robin");
        Member device = new Member();
        paho("device", true, device, false).subscribe("$share/mixed/orders/+", 1);
        List<String> service = amqpConsumer("mqtt-shared-mixed-orders/+", 10, Map.of());
        int count = 100;
        publishNumbered("shop", "orders/new", count);
        await().atMost(DEADLINE).until(() -> device.payloads.size() + service.size() >= count);
        assertEachExactlyOnce(count, List.of(device.payloads, service));
        assertFalse(device.payloads.isEmpty(), "the MQTT member took some");
        assertFalse(service.isEmpty(), "the AMQP consumer took some");
        // Both sides took more than their windows (prefetch 10, mqtt.max_inflight 32) hold: their acknowledgements
        // settled what they had.
        assertTrue(service.size() > 10 && device.payloads.size() > 32, device.payloads.size() + "/" + service.size());
    }

    @Test
    void anAmqpConsumerOfHigherPriorityIsServedFirstWhileItHasCredit() throws Exception {
        start("round_robin");
        Member device = new Member();
        paho("low-priority-device", true, device, false).subscribe("$share/ranked/r", 1);
        List<String> service = amqpConsumer("mqtt-shared-ranked-r", 1000, Map.of("x-priority", 10));
        int count = 50;
        publishNumbered("ranked-producer", "r", count);
        await().atMost(DEADLINE).until(() -> service.size() >= count);
        // One delivery per message: with all of them at the AMQP consumer, the device had none.
        assertEachExactlyOnce(count, List.of(device.payloads, service));
        assertTrue(device.payloads.isEmpty(), "the MQTT member (priority 0) took " + device.payloads);
    }

    @Test
    void aDepartedMembersUnacknowledgedMessagesGoToAnother() throws Exception {
        start("round_robin");
        RawMqttClient leaving = raw();
        leaving.connect("leaving", true);
        subscribe(leaving, "$share/g1/work", 1, 1);
        Member staying = new Member();
        paho("staying", true, staying, false).subscribe("$share/g1/work", 1);
        int count = 10;
        publishNumbered("producer", "work", count);
        // The leaving member reads its share and acknowledges none of it.
        Set<String> held = new HashSet<>();
        await().atMost(DEADLINE).until(() -> staying.payloads.size() >= count / 2);
        held.add(leaving.readPublish().payload());
        leaving.close();
        await().atMost(DEADLINE).until(() -> new HashSet<>(staying.payloads).containsAll(numbered(count)));
        assertTrue(staying.duplicates.containsAll(held), "redelivered with DUP: " + staying.duplicates);
    }

    @Test
    void retainedMessagesAreNotSentOnASharedSubscription() throws Exception {
        start("round_robin");
        paho("retainer", true, new Member(), false).publish("ret/a", "old".getBytes(StandardCharsets.UTF_8), 1, true);
        Member member = new Member();
        MqttClient client = paho("member", true, member, false);
        client.subscribe("$share/r/ret/#", 1);
        paho("live", true, new Member(), false).publish("ret/b", "live".getBytes(StandardCharsets.UTF_8), 1, false);
        await().atMost(DEADLINE).until(() -> !member.payloads.isEmpty());
        assertEquals("live", member.payloads.get(0), "the retained message came first: " + member.payloads);
        assertFalse(member.messages.get(0).isRetained());
    }

    @Test
    void invalidShareNamesAndFiltersAreRefusedInTheSubAck() throws Exception {
        start("round_robin");
        RawMqttClient client = raw();
        client.connect("validator", true);
        List<String> filters = List.of("$share//a", "$share/g", "$share/g+/a", "$share/g#/a", "$share/g/a/#/b",
                "$share/g/a+", "$share/ok/valid/+");
        List<Subscribe.Subscription> subscriptions = filters.stream()
                .map(filter -> new Subscribe.Subscription(filter, MqttQos.AT_LEAST_ONCE)).toList();
        client.send(new Subscribe(7, subscriptions));
        List<Integer> codes = client.read(SubAck.class).returnCodes().stream().map(code -> code.value()).toList();
        assertEquals(List.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1), codes);
        assertTrue(client.answersPing(), "a refused filter does not end the connection");
        assertFalse(groupExists("mqtt-shared-g-a/#/b"));
        assertTrue(groupExists("mqtt-shared-ok-valid/+"));
    }

    @Test
    void theGroupIsDeletedAfterItsLastMemberUnsubscribes() throws Exception {
        start("round_robin");
        RawMqttClient first = raw();
        first.connect("first", true);
        subscribe(first, "$share/temp/t/#", 1, 1);
        RawMqttClient second = raw();
        second.connect("second", false);
        subscribe(second, "$share/temp/t/#", 1, 1);
        String queue = "mqtt-shared-temp-t/#";
        assertTrue(groupExists(queue));
        unsubscribe(first, "$share/temp/t/#");
        assertTrue(groupExists(queue), "still held by the second member");
        unsubscribe(second, "$share/temp/t/#");
        await().atMost(DEADLINE).until(() -> !groupExists(queue));
    }

    @Test
    void theGroupKeepsQueueingForAnOfflinePersistentMemberAndEndsWithItsSession() throws Exception {
        start("round_robin");
        offlineMember("sleeper", "$share/night/n");
        publishNumbered("producer", "n", 3);
        await().atMost(DEADLINE).until(() -> readyIn("mqtt-shared-night-n") == 3);
        RawMqttClient back = raw();
        back.connect("sleeper", false);
        readNumbered(back, 3);
        back.close();
        // A clean CONNECT with the same id ends the persistent session, which was the group's last holder.
        RawMqttClient clean = raw();
        clean.connect("sleeper", true);
        await().atMost(DEADLINE).until(() -> !groupExists("mqtt-shared-night-n"));
    }

    @Test
    void persistentMembersAndTheirGroupSurviveARestart() throws Exception {
        start("round_robin");
        offlineMember("keeper", "$share/durable/d/#");
        RawMqttClient cleanMember = raw();
        cleanMember.connect("transient", true);
        subscribe(cleanMember, "$share/gone/d/#", 1, 1);
        cleanMember.send(Disconnect.INSTANCE);
        publishNumbered("producer", "d/x", 2);
        await().atMost(DEADLINE).until(() -> readyIn("mqtt-shared-durable-d/#") == 2);
        restart();
        assertTrue(groupExists("mqtt-shared-durable-d/#"), "held by a stored session");
        assertFalse(groupExists("mqtt-shared-gone-d/#"), "held by nobody after the restart");
        RawMqttClient back = raw();
        assertTrue(back.connect("keeper", false).sessionPresent());
        readNumbered(back, 2);
        publishNumbered("producer-after", "d/y", 1);
        readNumbered(back, 1);
    }

    @Test
    void stickyKeepsTheSameMemberWhileItHasCredit() throws Exception {
        start("sticky");
        Member first = new Member();
        paho("sticky-1", true, first, false).subscribe("$share/s/st", 1);
        Member second = new Member();
        paho("sticky-2", true, second, false).subscribe("$share/s/st", 1);
        int count = 20;
        publishNumbered("producer", "st", count);
        await().atMost(DEADLINE).until(() -> first.payloads.size() + second.payloads.size() >= count);
        assertEachExactlyOnce(count, List.of(first.payloads, second.payloads));
        // A publisher that waits for each PUBACK never exhausts the member's window: one member takes them all.
        assertTrue(first.payloads.isEmpty() || second.payloads.isEmpty(),
                "one member: " + first.payloads + " / " + second.payloads);
    }

    @Test
    void hashClientIdKeepsEachPublisherAtOneMemberInOrder() throws Exception {
        start("hash_clientid");
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Member member = new Member();
            paho("hash-" + i, true, member, false).subscribe("$share/h/sensors/+", 1);
            members.add(member);
        }
        int publishers = 12;
        int each = 10;
        for (int p = 0; p < publishers; p++) {
            MqttClient publisher = paho("sensor-" + p, true, new Member(), false);
            for (int i = 0; i < each; i++) {
                publisher.publish("sensors/s" + p, ("sensor-" + p + ":" + i).getBytes(StandardCharsets.UTF_8), 1,
                        false);
            }
        }
        await().atMost(DEADLINE).until(() -> members.stream().mapToInt(m -> m.payloads.size()).sum()
                >= publishers * each);
        int membersUsed = 0;
        for (Member member : members) {
            membersUsed += member.payloads.isEmpty() ? 0 : 1;
        }
        assertTrue(membersUsed >= 2, "twelve publishers spread over more than one member");
        for (int p = 0; p < publishers; p++) {
            String prefix = "sensor-" + p + ":";
            List<Member> holding = members.stream()
                    .filter(m -> m.payloads.stream().anyMatch(payload -> payload.startsWith(prefix))).toList();
            assertEquals(1, holding.size(), prefix + " at one member");
            List<String> inOrder = holding.get(0).payloads.stream().filter(payload -> payload.startsWith(prefix))
                    .toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                expected.add(prefix + i);
            }
            assertEquals(expected, inOrder);
        }
    }

    private static void subscribe(RawMqttClient client, String filter, int qos, int packetId) throws IOException {
        client.send(new Subscribe(packetId, List.of(new Subscribe.Subscription(filter, MqttQos.of(qos)))));
        assertEquals(qos, client.read(SubAck.class).returnCodes().get(0).value());
    }

    private static void unsubscribe(RawMqttClient client, String filter) throws IOException {
        client.send(new Unsubscribe(9, List.of(filter)));
        client.read(UnsubAck.class);
    }

    /** Whether the group's queue exists, as an AMQP client sees it (a passive declare). */
    private boolean groupExists(String name) throws Exception {
        try {
            amqp().queueDeclarePassive(name);
            return true;
        } catch (IOException notFound) {
            return false;
        }
    }

    /** Messages ready in the group's queue, as an AMQP client sees them. */
    private int readyIn(String name) throws Exception {
        return amqp().queueDeclarePassive(name).getMessageCount();
    }
}
