package dev.junction.mqtt.codec;

import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakGuard.class)
class LeakGuardTest {
    @Test
    void aDroppedBufferIsReported() {
        String hint = "deliberate-leak-" + UUID.randomUUID();
        ByteBufAllocator.DEFAULT.heapBuffer(8).touch(hint);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            LeakGuard.collectAndPoll();
            return !LeakGuard.takeLeaksMentioning(hint).isEmpty();
        });
    }
}
