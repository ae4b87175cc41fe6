package dev.junction.server.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AmqpShutdownTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    @Test
    void shutdownClosesConnectionsWithConnectionForced() throws Exception {
        Connection connection = broker.connect();
        connection.createChannel().queueDeclare();
        BlockingQueue<ShutdownSignalException> closed = new LinkedBlockingQueue<>();
        connection.addShutdownListener(closed::add);
        broker.stopServer();
        ShutdownSignalException signal = closed.poll(5, TimeUnit.SECONDS);
        assertNotNull(signal);
        assertTrue(signal.isHardError());
        assertEquals(320, ((AMQP.Connection.Close) signal.getReason()).getReplyCode());
    }
}
