package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A message payload in JSON as RabbitMQ's get shows it: text when it is UTF-8, else base64, and which it is. */
final class Payloads {
    private Payloads() {
    }

    static ObjectNode put(ObjectNode node, byte[] payload, boolean base64) {
        String text = base64 ? null : utf8OrNull(payload);
        return node.put("payload", text != null ? text : Base64.getEncoder().encodeToString(payload))
                .put("payload_encoding", text != null ? "string" : "base64");
    }

    private static String utf8OrNull(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
