package dev.junction.server.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/** HiveMQ clients of one test, pointed at the broker's MQTT port and disconnected when the test ends. */
final class HiveMqClients implements AutoCloseable {
    /** Asked at each build: a test may restart its broker on another port. */
    private final IntSupplier port;
    private final List<Runnable> disconnects = new ArrayList<>();

    HiveMqClients(IntSupplier port) {
        this.port = port;
    }

    /** An MQTT 5 builder without an identifier, so that the server assigns one. */
    Mqtt5ClientBuilder v5Builder() {
        return MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1").serverPort(port.getAsInt());
    }

    Mqtt5ClientBuilder v5Builder(String clientId) {
        return v5Builder().identifier(clientId);
    }

    Mqtt5BlockingClient v5(String clientId) {
        return v5(v5Builder(clientId));
    }

    Mqtt5BlockingClient v5(Mqtt5ClientBuilder builder) {
        Mqtt5BlockingClient client = builder.buildBlocking();
        disconnects.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    Mqtt3BlockingClient v3(String clientId) {
        Mqtt3BlockingClient client = MqttClient.builder().useMqttVersion3().identifier(clientId)
                .serverHost("127.0.0.1").serverPort(port.getAsInt()).buildBlocking();
        disconnects.add(() -> {
            if (client.getState().isConnected()) {
                client.disconnect();
            }
        });
        return client;
    }

    @Override
    public void close() {
        disconnects.forEach(Runnable::run);
    }
}
