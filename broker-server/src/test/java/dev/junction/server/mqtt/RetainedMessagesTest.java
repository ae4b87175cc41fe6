package dev.junction.server.mqtt;

import dev.junction.core.message.Message;
import dev.junction.core.topic.TopicMapping;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetainedMessagesTest {
    private final RetainedMessages retained = new RetainedMessages();

    @AfterEach
    void releaseAll() {
        retained.clear();
    }

    private static Message message(String topic, String payload) {
        return new Message("amq.topic", TopicMapping.routingKey(topic), null,
                Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8));
    }

    private List<String> matching(String filter) {
        List<String> payloads = new ArrayList<>();
        retained.forEachMatching(filter, message -> {
            payloads.add(message.body().toString(StandardCharsets.UTF_8));
            message.release();
        });
        payloads.sort(null);
        return payloads;
    }

    @Test
    void aRetainedPublishReplacesTheTopicsMessage() {
        Message first = message("a/b", "1");
        retained.store("a/b", first);
        retained.store("a/b", message("a/b", "2"));
        assertEquals(0, first.refCnt());
        assertEquals(List.of("2"), matching("a/b"));
    }

    @Test
    void anEmptyPayloadDeletes() {
        retained.store("a/b", message("a/b", "1"));
        Message empty = message("a/b", "");
        retained.store("a/b", empty);
        assertEquals(0, empty.refCnt());
        assertEquals(0, retained.size());
        assertTrue(matching("#").isEmpty());
    }

    @Test
    void wildcardFiltersMatchAndSkipDollarTopics() {
        retained.store("a/b", message("a/b", "ab"));
        retained.store("a/c/d", message("a/c/d", "acd"));
        retained.store("$SYS/x", message("$SYS/x", "sys"));
        assertEquals(List.of("ab", "acd"), matching("#"));
        assertEquals(List.of("ab"), matching("a/+"));
        assertEquals(List.of("sys"), matching("$SYS/#"));
        assertEquals(List.of(), matching("b"));
    }

    @Test
    void starAndDotAreLiteralInFilters() {
        retained.store("s/secret", message("s/secret", "secret"));
        retained.store("s/*", message("s/*", "star"));
        retained.store("a/b", message("a/b", "slash"));
        retained.store("a.b", message("a.b", "dot"));
        assertEquals(List.of("star"), matching("s/*"));
        assertEquals(List.of("secret", "star"), matching("s/+"));
        assertEquals(List.of("dot"), matching("a.b"));
    }
}
