package dev.junction.core;

import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.QueueSettings;
import dev.junction.core.vhost.VirtualHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BrokerShutdownTest {
    @Test
    void closingTheBrokerReleasesWhatSurvivingQueuesHoldInMemory() throws Exception {
        Broker broker = new Broker(1);
        VirtualHost vhost = broker.virtualHost(Broker.DEFAULT_VHOST);
        vhost.declareQueue("durable", new QueueSettings(true, null, false, Map.of()));
        ByteBuf body = PooledByteBufAllocator.DEFAULT.buffer().writeBytes(new byte[]{1, 2, 3});
        body.retain();
        vhost.publish("", new Message("", "durable", MessageProperties.EMPTY.withDeliveryMode(2), body));
        broker.close();
        assertEquals(1, body.refCnt(), "only the test's own reference is left");
        body.release();
    }
}
