package dev.junction.server.amqp;

import dev.junction.amqp.codec.AmqpConstants;
import dev.junction.amqp.codec.method.Basic;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LastDeclaredQueueTest {
    private final LastDeclaredQueue last = new LastDeclaredQueue();
    private final Basic.Get get = new Basic.Get(0, "", false);

    @Test
    void aNamedQueueIsThatQueue() {
        last.declared("orders");
        assertEquals("invoices", last.resolve("invoices", get));
    }

    @Test
    void anEmptyNameIsTheQueueDeclaredLast() {
        last.declared("orders");
        last.declared("amq.gen-x");
        assertEquals("amq.gen-x", last.resolve("", get));
    }

    @Test
    void anEmptyNameBeforeAnyDeclareIsNotFoundOnTheChannel() {
        AmqpError error = assertThrows(AmqpError.class, () -> last.resolve("", get));
        assertFalse(error.isHard());
        assertEquals(AmqpConstants.NOT_FOUND, error.replyCode());
    }
}
