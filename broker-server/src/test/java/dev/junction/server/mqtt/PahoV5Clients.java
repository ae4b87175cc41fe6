package dev.junction.server.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/** Eclipse Paho MQTT v5 clients of one test, disconnected and closed when the test ends. */
final class PahoV5Clients implements AutoCloseable {
    private final String serverUri;
    private final List<MqttClient> clients = new ArrayList<>();

    PahoV5Clients(String serverUri) {
        this.serverUri = serverUri;
    }

    MqttClient client(String clientId) throws MqttException {
        MqttClient client = new MqttClient(serverUri, clientId, new MemoryPersistence());
        clients.add(client);
        return client;
    }

    /** A callback that hands each arriving message on and ignores the other events. */
    static MqttCallback onMessage(BiConsumer<String, MqttMessage> arrived) {
        return new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                arrived.accept(topic, message);
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        };
    }

    @Override
    public void close() throws MqttException {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
    }
}
