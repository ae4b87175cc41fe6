package dev.junction.server.acl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AclFileTest {
    private static final Path FILE = Path.of("acl.conf");

    private static AclRules parse(String... lines) throws AclFileException {
        return AclFile.parse(FILE, List.of(lines));
    }

    private static String error(String... lines) {
        return assertThrows(AclFileException.class, () -> parse(lines)).getMessage();
    }

    @Test
    void everyAccessWordAndTheDefault() throws Exception {
        ClientAcl acl = parse("user alice", "topic read r/#", "topic write w/#", "topic readwrite rw/#",
                "topic both/#", "topic deny rw/secret").resolve("alice", "c1");
        assertTrue(acl.canRead("r/1"));
        assertFalse(acl.canPublish("r/1"));
        assertTrue(acl.canPublish("w/1"));
        assertFalse(acl.canRead("w/1"));
        assertTrue(acl.canRead("rw/1") && acl.canPublish("rw/1"));
        assertTrue(acl.canRead("both/x") && acl.canPublish("both/x"), "no access word means readwrite");
        assertFalse(acl.canRead("rw/secret") || acl.canPublish("rw/secret"), "deny wins over a wider grant");
        assertFalse(acl.canPublish("elsewhere"), "what no line grants is refused");
    }

    @Test
    void commentsBlankLinesAndSpacesInTopics() throws Exception {
        ClientAcl acl = parse("# a comment", "", "   ", "  # indented comment", "user bob",
                "topic   read   a topic/with spaces").resolve("bob", "c");
        assertTrue(acl.canRead("a topic/with spaces"));
    }

    @Test
    void topicLinesBeforeTheFirstUserAreForAnonymousClients() throws Exception {
        AclRules rules = parse("topic read public/#", "user alice", "topic alice/#");
        assertTrue(rules.resolve(null, "anon").canRead("public/news"));
        assertFalse(rules.resolve(null, "anon").canRead("alice/x"));
        assertFalse(rules.resolve("alice", "c").canRead("public/news"), "a user does not get the anonymous lines");
        assertTrue(rules.resolve("alice", "c").canPublish("alice/x"));
        assertFalse(rules.resolve("carol", "c").canRead("alice/x"), "a user the file does not name gets nothing");
    }

    @Test
    void patternsSubstituteUserAndClientIdForEveryClientWhereverTheyStand() throws Exception {
        AclRules rules = parse("user alice", "topic read x", "pattern write devices/%c/state",
                "pattern readwrite users/%u/#");
        ClientAcl alice = rules.resolve("alice", "sensor-1");
        assertTrue(alice.canPublish("devices/sensor-1/state"));
        assertFalse(alice.canPublish("devices/sensor-2/state"));
        assertTrue(alice.canRead("users/alice/inbox"));
        assertFalse(alice.canRead("users/bob/inbox"));
        ClientAcl anonymous = rules.resolve(null, "sensor-2");
        assertTrue(anonymous.canPublish("devices/sensor-2/state"));
        assertFalse(anonymous.canRead("users/%u/inbox"), "a %u pattern does not apply without a user name");
    }

    @Test
    void noPatternAppliesToAnIdentityWithTopicSyntax() throws Exception {
        AclRules rules = parse("pattern readwrite devices/%c/#", "pattern readwrite users/%u");
        assertFalse(rules.resolve(null, "#").canPublish("devices/other/state"));
        assertFalse(rules.resolve("a/b", "c").canPublish("users/a/b"));
        assertFalse(rules.resolve("+", "c").canPublish("devices/c/x"));
    }

    @Test
    void subscribingNeedsALineThatCoversTheWholeFilter() throws Exception {
        ClientAcl acl = parse("user u", "topic read sensors/+/temp", "topic read logs/#", "topic deny logs/secret",
                "topic write commands/#").resolve("u", "c");
        assertTrue(acl.canSubscribe("sensors/+/temp"));
        assertTrue(acl.canSubscribe("sensors/kitchen/temp"));
        assertFalse(acl.canSubscribe("sensors/#"), "wider than the line");
        assertFalse(acl.canSubscribe("sensors/+/+"));
        assertTrue(acl.canSubscribe("logs/#"), "wider than the deny line: withheld per message instead");
        assertTrue(acl.canSubscribe("logs"), "logs/# covers logs");
        assertFalse(acl.canSubscribe("logs/secret"));
        assertFalse(acl.canRead("logs/secret"));
        assertFalse(acl.canSubscribe("commands/#"), "write does not grant read");
    }

    @Test
    void aLiteralStarOrDotInALineGrantsNoWildcard() throws Exception {
        ClientAcl acl = parse("topic read s/*", "topic read a.b").resolve(null, "c");
        assertTrue(acl.canSubscribe("s/*"));
        assertTrue(acl.canRead("s/*"));
        assertFalse(acl.canSubscribe("s/+"));
        assertFalse(acl.canSubscribe("s/secret"));
        assertFalse(acl.canRead("s/secret"));
        assertTrue(acl.canRead("a.b"));
        assertFalse(acl.canRead("a/b"));
        assertFalse(acl.canSubscribe("a/+"));
    }

    @Test
    void wildcardsDoNotReachDollarTopics() throws Exception {
        ClientAcl acl = parse("topic #").resolve(null, "c");
        assertFalse(acl.canRead("$SYS/broker/uptime"));
        assertTrue(acl.canRead("any/topic"));
    }

    @Test
    void errorsNameTheFileTheLineAndTheProblem() {
        assertEquals("acl.conf:2: unknown keyword 'topik': expected user, topic or pattern",
                error("# ok", "topik read a"));
        assertEquals("acl.conf:1: invalid access 'readonly': expected read, write, readwrite or deny",
                error("topic readonly a/b"));
        assertEquals("acl.conf:3: missing topic", error("user a", "", "topic"));
        assertEquals("acl.conf:1: 'user' needs a user name", error("user"));
        assertEquals("acl.conf:1: 'a/#/b' is not a valid MQTT topic filter", error("topic read a/#/b"));
        assertEquals("acl.conf:1: 'dev%c': %u and %c must be a whole topic level", error("pattern read dev%c/x"));
    }

    @Test
    void readsAFileAndReportsOneThatIsMissing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("acl");
        Files.writeString(file, "topic read a\n");
        assertTrue(AclFile.read(file).resolve(null, "c").canRead("a"));
        String message = assertThrows(AclFileException.class, () -> AclFile.read(dir.resolve("missing")))
                .getMessage();
        assertTrue(message.startsWith(dir.resolve("missing") + ": cannot read the ACL file"), message);
    }
}
