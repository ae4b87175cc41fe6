package dev.junction.core.vhost;

import dev.junction.core.BrokerException;
import dev.junction.core.ErrorKind;
import dev.junction.core.message.Message;
import dev.junction.core.message.MessageProperties;
import dev.junction.core.queue.Overflow;
import dev.junction.core.queue.Queue;
import dev.junction.core.queue.QueueSettings;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Policies on a vhost: RabbitMQ's matching, priority and precedence rules over live and later queues. */
class PolicyTest {
    @RegisterExtension
    final TestVirtualHost test = new TestVirtualHost(2);
    private final VirtualHost vhost = test.vhost();

    private Queue queue(String name, Map<String, Object> arguments) {
        return vhost.declareQueue(name, new QueueSettings(false, null, false, arguments));
    }

    private static Policy policy(String name, String pattern, int priority, Map<String, Object> definition) {
        return new Policy(name, pattern, Policy.ApplyTo.QUEUES, priority, definition);
    }

    private boolean publish(String queue) throws Exception {
        CompletableFuture<Boolean> taken = new CompletableFuture<>();
        vhost.publish("", new Message("", queue, MessageProperties.EMPTY,
                Unpooled.copiedBuffer("m", StandardCharsets.UTF_8)), taken::complete);
        return taken.get(5, TimeUnit.SECONDS);
    }

    @Test
    void aPolicyAppliesToMatchingExistingAndLaterQueuesOnly() throws Exception {
        Queue orders = queue("orders.eu", Map.of());
        Queue other = queue("audit", Map.of());
        Policy bounded = policy("bounded", "^orders\\.", 0, Map.of("max-length", 2, "overflow", "reject-publish"));
        vhost.setPolicy(bounded);
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(2).equals(orders.arguments().maxLength()));
        assertSame(bounded, vhost.policyOf(orders));
        assertNull(vhost.policyOf(other));
        assertNull(other.arguments().maxLength());

        Queue later = queue("orders.us", Map.of());
        assertSame(bounded, vhost.policyOf(later));
        assertTrue(publish("orders.us"));
        assertTrue(publish("orders.us"));
        assertFalse(publish("orders.us"), "the policy's limit and overflow hold on a queue declared after it");
    }

    @Test
    void theHighestPriorityWinsAndClearingFallsBackToTheNext() throws Exception {
        Queue queue = queue("jobs", Map.of());
        vhost.setPolicy(policy("low", ".*", 1, Map.of("max-length", 10)));
        vhost.setPolicy(policy("high", "^jobs$", 5, Map.of("max-length", 3)));
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(3).equals(queue.arguments().maxLength()));
        assertEquals("high", vhost.policyOf(queue).name());

        vhost.clearPolicy("high");
        await().atMost(Duration.ofSeconds(10)).until(() -> Long.valueOf(10).equals(queue.arguments().maxLength()));
        assertEquals("low", vhost.policyOf(queue).name());

        vhost.setPolicy(policy("low", ".*", 1, Map.of("max-length-bytes", 100)));
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.arguments().maxLength() == null);
        assertEquals(Map.of("x-max-length-bytes", 100), queue.limitOverrides(), "a changed policy is re-applied");

        vhost.clearPolicy("low");
        await().atMost(Duration.ofSeconds(10)).until(() -> queue.limitOverrides().isEmpty());
        assertNull(vhost.policyOf(queue));
        BrokerException gone = assertThrows(BrokerException.class, () -> vhost.clearPolicy("low"));
        assertEquals(ErrorKind.NOT_FOUND, gone.kind());
    }

    @Test
    void theQueuesOwnArgumentsTakePrecedenceOverThePolicy() throws Exception {
        Queue queue = queue("declared", Map.of("x-max-length", 7));
        vhost.setPolicy(policy("p", "declared", 0, Map.of("max-length", 2, "overflow", "reject-publish")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> queue.arguments().overflow() == Overflow.REJECT_PUBLISH);
        assertEquals(7L, queue.arguments().maxLength());
        assertEquals(Map.of("x-overflow", "reject-publish"), queue.limitOverrides());
    }

    @Test
    void limitsSetByAnotherOwnerStayOnQueuesNoPolicyMatches() throws Exception {
        Queue session = queue("mqtt-session-a", Map.of());
        vhost.overrideLimits("mqtt-session-a", Map.of("x-max-length", 4)).get(5, TimeUnit.SECONDS);
        vhost.setPolicy(policy("p", "^orders", 0, Map.of("max-length", 2)));
        vhost.clearPolicy("p");
        assertEquals(Map.of("x-max-length", 4), session.limitOverrides());
    }

    @Test
    void unsupportedKeysApplyToAndPatternsAreRefusedByName() {
        BrokerException key = assertThrows(BrokerException.class,
                () -> policy("p", ".*", 0, Map.of("message-ttl", 1000)));
        assertEquals(ErrorKind.PRECONDITION_FAILED, key.kind());
        assertTrue(key.getMessage().contains("'message-ttl'"), key.getMessage());
        BrokerException applyTo = assertThrows(BrokerException.class, () -> Policy.ApplyTo.parse("exchanges"));
        assertTrue(applyTo.getMessage().contains("exchanges"), applyTo.getMessage());
        assertThrows(BrokerException.class, () -> policy("p", "(", 0, Map.of("max-length", 1)));
        BrokerException value = assertThrows(BrokerException.class,
                () -> vhost.setPolicy(policy("p", ".*", 0, Map.of("max-length", -1))));
        assertEquals(ErrorKind.PRECONDITION_FAILED, value.kind());
        assertTrue(vhost.policies().isEmpty());
    }
}
