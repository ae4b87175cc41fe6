package dev.junction.server.acl;

/**
 * One {@code topic} or {@code pattern} line.
 *
 * @param topicFilter the topic filter as written; in a pattern, {@code %u} and {@code %c} are whole levels
 * @param line        the line it came from, for messages
 */
record AclEntry(AclAccess access, String topicFilter, int line) {
}
