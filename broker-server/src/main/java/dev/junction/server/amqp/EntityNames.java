package dev.junction.server.amqp;

/**
 * RabbitMQ strips line feeds and carriage returns from the exchange and queue names of declarations, deletions and
 * bindings (not of publishes, consumes, gets or purges), so a name read from a file with its line ending still
 * names the entity. Junction does the same in the same places.
 */
final class EntityNames {
    private EntityNames() {
    }

    static String stripped(String name) {
        return name.indexOf('\n') < 0 && name.indexOf('\r') < 0 ? name : name.replace("\n", "").replace("\r", "");
    }
}
