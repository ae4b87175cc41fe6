package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Browser-style clients over WebSocket and device clients over TCP share sessions and topics. */
class WebSocketTest {
    private MqttTestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new MqttTestBroker();
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
    }

    @Test
    void aWebSocketSubscriberReceivesWhatATcpClientPublishesAndBack() throws Exception {
        Mqtt3BlockingClient browser = com.hivemq.client.mqtt.MqttClient.builder().useMqttVersion3()
                .identifier("dashboard").serverHost("127.0.0.1").serverPort(broker.webSocketPort())
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
        browser.connect();
        MqttClient device = new MqttClient(broker.uri(), "device", new MemoryPersistence());
        device.connect();
        device.subscribe("plant/cmd", 2);
        // The publish flow is registered before subscribing: the client drops messages that arrive without one.
        try (Mqtt3BlockingClient.Mqtt3Publishes publishes = browser.publishes(MqttGlobalPublishFilter.ALL)) {
            browser.subscribeWith().topicFilter("plant/+/state").qos(MqttQos.AT_LEAST_ONCE).send();
            device.publish("plant/pump/state", new MqttMessage("on".getBytes(StandardCharsets.UTF_8)));
            Optional<Mqtt3Publish> received = publishes.receive(5, TimeUnit.SECONDS);
            assertTrue(received.isPresent());
            assertEquals("plant/pump/state", received.get().getTopic().toString());
            assertEquals("on", new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
        }
        BlockingQueue<String> commands = new LinkedBlockingQueue<>();
        device.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                commands.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        browser.publishWith().topic("plant/cmd").qos(MqttQos.EXACTLY_ONCE)
                .payload("stop".getBytes(StandardCharsets.UTF_8)).send();
        assertEquals("stop", commands.poll(5, TimeUnit.SECONDS));
        device.disconnect();
        device.close();
        browser.disconnect();
    }

    @Test
    void pahoConnectsOverWebSocketToo() throws Exception {
        MqttClient client = new MqttClient("ws://127.0.0.1:" + broker.webSocketPort() + "/mqtt", "paho-ws",
                new MemoryPersistence());
        client.connect();
        assertTrue(client.isConnected());
        client.disconnect();
        client.close();
    }

    @Test
    void theServerSelectsTheMqttSubprotocolAndClosesOnATextFrame() throws Exception {
        CompletableFuture<Integer> closeStatus = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("mqtt")
                .buildAsync(URI.create("ws://127.0.0.1:" + broker.webSocketPort() + "/mqtt"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                closeStatus.complete(statusCode);
                                return null;
                            }
                        })
                .get(5, TimeUnit.SECONDS);
        assertEquals("mqtt", socket.getSubprotocol(), "[MQTT-6.0.0-4]");
        socket.sendText("CONNECT", true).get(5, TimeUnit.SECONDS);
        assertEquals(1003, closeStatus.get(5, TimeUnit.SECONDS), "[MQTT-6.0.0-1] text frames are refused");
    }
}
