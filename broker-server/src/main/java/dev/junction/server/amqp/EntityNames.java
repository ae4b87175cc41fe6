package dev.junction.server.amqp;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Names of exchanges, queues and consumers as RabbitMQ treats them. It strips line feeds and carriage returns from
 * the exchange and queue names of declarations, deletions and bindings (not of publishes, consumes, gets or
 * purges), so a name read from a file with its line ending still names the entity; Junction does the same in the
 * same places. Names the server chooses (queues declared without one, consumer tags) are unguessable.
 */
final class EntityNames {
    private static final SecureRandom RANDOM = new SecureRandom();

    private EntityNames() {
    }

    static String stripped(String name) {
        return name.indexOf('\n') < 0 && name.indexOf('\r') < 0 ? name : name.replace("\n", "").replace("\r", "");
    }

    /** A fresh name starting with {@code prefix}, e.g. {@code amq.gen-} or {@code amq.ctag-}. */
    static String generated(String prefix) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
