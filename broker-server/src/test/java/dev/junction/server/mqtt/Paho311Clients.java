package dev.junction.server.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** Eclipse Paho MQTT 3.1.1 clients of one test, disconnected and closed when the test (or its broker) ends. */
final class Paho311Clients implements AutoCloseable {
    /** Asked at each client: a test may restart its broker on another port. */
    private final Supplier<String> serverUri;
    private final List<MqttClient> clients = new ArrayList<>();

    Paho311Clients(Supplier<String> serverUri) {
        this.serverUri = serverUri;
    }

    MqttClient client(String clientId) throws MqttException {
        MqttClient client = new MqttClient(serverUri.get(), clientId, new MemoryPersistence());
        clients.add(client);
        return client;
    }

    /** The guest user's options. */
    static MqttConnectOptions guest(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setUserName("guest");
        options.setPassword("guest".toCharArray());
        return options;
    }

    /** A callback that hands each arriving message on and ignores the other events. */
    static MqttCallback onMessage(BiConsumer<String, MqttMessage> arrived) {
        return new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrived.accept(topic, message);
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        };
    }

    /** Disconnects and closes every client made so far; the next ones can be made afterwards. */
    @Override
    public void close() throws MqttException {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
        clients.clear();
    }
}
