package dev.junction.server.cross;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** What a Paho client received, in order; with manual acks the test decides when each is acknowledged. */
final class MqttInbox implements MqttCallback {
    record Received(String topic, MqttMessage message) {
        String text() {
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }
    }

    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final boolean manualAcks;
    private volatile Throwable lost;

    MqttInbox() {
        this(false);
    }

    MqttInbox(boolean manualAcks) {
        this.manualAcks = manualAcks;
    }

    boolean manualAcks() {
        return manualAcks;
    }

    /** The next message, waiting at most five seconds for it. */
    Received next() throws InterruptedException {
        Received next = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(next, "no MQTT message within 5 s");
        return next;
    }

    /** The next message that is not on a {@code $SYS} topic. */
    Received nextOutsideSys() throws InterruptedException {
        Received next = next();
        while (next.topic().startsWith("$SYS")) {
            next = next();
        }
        return next;
    }

    Throwable connectionLostCause() {
        return lost;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.add(new Received(topic, message));
    }

    @Override
    public void connectionLost(Throwable cause) {
        lost = cause;
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
    }
}
