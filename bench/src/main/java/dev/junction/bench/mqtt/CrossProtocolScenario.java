package dev.junction.bench.mqtt;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.junction.mqtt.codec.MqttQos;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * One publisher of one protocol to one consumer of the other, through the topic exchange both protocols share
 * ({@code amq.topic}: MQTT topic {@code a/b} is routing key {@code a.b} in Junction and in RabbitMQ's MQTT plugin).
 * MQTT to AMQP: an MQTT publisher at {@code qos} and an auto-acknowledging AMQP consumer of a queue bound with the
 * topic's routing key. AMQP to MQTT: an AMQP publisher of transient messages and an MQTT subscriber at {@code qos}.
 * Both are held to the same {@link DeliveryWindow} as the MQTT-only scenarios.
 */
record CrossProtocolScenario(String name, boolean mqttPublishes, MqttQos qos, URI amqpUri) {
    private static final String EXCHANGE = "amq.topic";

    Result run(LoadSettings settings, long messages) throws Exception {
        String topic = "bench/" + Long.toHexString(System.nanoTime()) + "/" + name;
        String routingKey = topic.replace('/', '.');
        DeliveryWindow window = new DeliveryWindow(1, settings.window(), messages);
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        try (LoadClients clients = new LoadClients(settings.broker(), settings.threads());
             Connection amqp = factory.newConnection("bench-" + name)) {
            Channel channel = amqp.createChannel();
            LoadClient mqtt = clients.connect(new LoadClient(topic + "/m", settings.client(), window, null)).join();
            Measurement measurement;
            if (mqttPublishes) {
                String queue = channel.queueDeclare().getQueue();
                channel.queueBind(queue, EXCHANGE, routingKey);
                channel.basicConsume(queue, true, new DefaultConsumer(channel) {
                    @Override
                    public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                        window.recordDelivery();
                    }
                });
                measurement = new Measurement(settings.brokerPid());
                mqtt.publishTo(topic, qos, settings.payloadSize(), settings.maxInFlight());
                mqtt.allowPublishes(messages);
            } else {
                mqtt.subscribe(topic, qos).join();
                measurement = new Measurement(settings.brokerPid());
                Thread publisher = new Thread(() -> publish(channel, routingKey, window, messages,
                        settings.payloadSize()), "bench-amqp-publisher");
                publisher.setDaemon(true);
                publisher.start();
            }
            boolean complete = settings.phase().awaitDeliveries(window);
            Result result = new Result(name)
                    .put("qos", qos.value())
                    .put("complete", Boolean.toString(complete))
                    .put("published", window.sent())
                    .put("delivered", window.delivered())
                    .put("seconds", window.elapsedNanos() / 1e9)
                    .put("msgs_per_s", Math.round(window.delivered() * 1e9 / Math.max(window.elapsedNanos(), 1)));
            measurement.addTo(result, window.delivered(), "msg");
            mqtt.close().join();
            return result;
        }
    }

    /** Publishes as the window allows, parking while it is full; stops at the first failure. */
    private static void publish(Channel channel, String routingKey, DeliveryWindow window, long messages, int size) {
        Thread self = Thread.currentThread();
        Runnable wake = () -> LockSupport.unpark(self);
        byte[] body = new byte[size];
        try {
            for (long i = 0; i < messages; i++) {
                while (!window.tryAcquire(wake)) {
                    LockSupport.parkNanos(1_000_000);
                }
                ByteBuffer.wrap(body).putLong(System.nanoTime());
                channel.basicPublish(EXCHANGE, routingKey, null, body);
            }
        } catch (Exception e) {
            window.abort(e);
        }
    }
}
