package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.Connection;
import dev.junction.amqp.codec.types.LongString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.EOFException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A refused login with and without the client's authentication_failure_close, and misplaced heartbeats. */
class AmqpLoginAndFramingTest {
    @RegisterExtension
    static final AmqpBrokerExtension broker = new AmqpBrokerExtension();

    private static final String REFUSAL = "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. "
            + "For details see the broker logfile.";

    private static RawAmqpClient refusedLogin(Map<String, Object> clientProperties) throws Exception {
        RawAmqpClient client = new RawAmqpClient(broker.port());
        client.send(RawAmqpClient.HEADER);
        client.expect(Connection.Start.class);
        client.sendMethod(0, new Connection.StartOk(clientProperties, "PLAIN", LongString.of("\0guest\0wrong"),
                "en_US"));
        return client;
    }

    @Test
    void aClientWithAuthenticationFailureCloseGets403() throws Exception {
        try (RawAmqpClient client = refusedLogin(Map.of("capabilities",
                Map.of("authentication_failure_close", true)))) {
            Connection.Close close = client.expect(Connection.Close.class);
            assertEquals(AmqpConstants.ACCESS_REFUSED, close.replyCode());
            assertEquals(REFUSAL, close.replyText());
            client.sendMethod(0, new Connection.CloseOk());
            assertTrue(client.closedByServer(20_000));
        }
    }

    @Test
    void aClientWithoutTheCapabilityHasItsSocketClosed() throws Exception {
        for (Map<String, Object> properties : java.util.List.<Map<String, Object>>of(Map.of(),
                Map.of("capabilities", Map.of("authentication_failure_close", false)))) {
            try (RawAmqpClient client = refusedLogin(properties)) {
                assertThrows(EOFException.class, client::readMethod,
                        "the socket closes without a connection.close, as RabbitMQ does for older clients");
            }
        }
    }

    @Test
    void aHeartbeatOnAChannelOtherThanZeroIsAFrameError() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(broker.port()).handshake(0)) {
            client.sendFrame(AmqpConstants.FRAME_HEARTBEAT, 0, new byte[0], AmqpConstants.FRAME_END);
            client.sendMethod(1, new dev.junction.amqp.codec.method.Channel.Open(""));
            client.expect(dev.junction.amqp.codec.method.Channel.OpenOk.class);
            client.sendFrame(AmqpConstants.FRAME_HEARTBEAT, 1, new byte[0], AmqpConstants.FRAME_END);
            Connection.Close close = client.expect(Connection.Close.class);
            assertEquals(AmqpConstants.FRAME_ERROR, close.replyCode());
            assertTrue(close.replyText().startsWith("FRAME_ERROR - "), close.replyText());
            assertTrue(client.closedByServer(20_000));
        }
    }
}
