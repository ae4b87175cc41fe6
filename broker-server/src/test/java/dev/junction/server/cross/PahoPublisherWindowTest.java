package dev.junction.server.cross;

import com.rabbitmq.client.Channel;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;

import static org.awaitility.Awaitility.await;

/**
 * The flow tests' publishers publish one QoS 1 message at a time with Paho, whose callback thread frees in-flight
 * slots after the publisher has already been told of its PUBACK. On a loaded machine that thread lagged, the
 * eleventh publish was refused with "Too many publishes in progress" and the tests waited for messages nobody
 * sent any more. Here the lag is made certain, by holding the callback thread, to show the clients of these
 * tests publish through it.
 */
class PahoPublisherWindowTest {
    /** Several times Paho's default window of 10. */
    private static final int PUBLISHES = 50;

    @RegisterExtension
    static final CrossProtocolBroker broker = new CrossProtocolBroker(UnaryOperator.identity());

    /** Holds Paho's callback thread in the first delivery notice until released. */
    private static final class LaggingCallback implements MqttCallback {
        final CountDownLatch released = new CountDownLatch(1);

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
        }

        @Override
        public void connectionLost(Throwable cause) {
        }
    }

    @Test
    void aSynchronousPublisherKeepsPublishingWhilePahosCallbackThreadLags() throws Exception {
        Channel observer = broker.amqp();
        String queue = observer.queueDeclare().getQueue();
        observer.queueBind(queue, "amq.topic", "window.lag");
        MqttClient device = broker.paho("window-device", true, new MqttInbox());
        LaggingCallback callback = new LaggingCallback();
        device.setCallback(callback);
        try {
            for (int i = 0; i < PUBLISHES; i++) {
                device.publish("window/lag", String.valueOf(i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
        } finally {
            callback.released.countDown();
        }
        await().atMost(Duration.ofSeconds(10))
                .until(() -> observer.queueDeclarePassive(queue).getMessageCount() == PUBLISHES);
    }
}
