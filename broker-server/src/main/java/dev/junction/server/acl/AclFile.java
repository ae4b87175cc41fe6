package dev.junction.server.acl;

import dev.junction.core.topic.TopicSyntax;
import dev.junction.mqtt.codec.MqttUtf8;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Mosquitto {@code acl_file}: {@code user <name>}, {@code topic [read|write|readwrite|deny] <topic>},
 * {@code pattern [read|write|readwrite|deny] <topic>}, {@code #} comments and blank lines. {@code topic} lines before
 * the first {@code user} line are for clients without a user name; {@code pattern} lines are for every client
 * wherever they stand. Unlike Mosquitto, which skips a line it does not understand, every such line is an error
 * naming the file and the line: a mistyped keyword in a security file must not go unnoticed.
 */
public final class AclFile {
    private static final String PATTERN_LEVEL_PREFIX = "%";

    private AclFile() {
    }

    public static AclRules read(Path file) throws AclFileException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AclFileException(file, "cannot read the ACL file: " + e, e);
        }
        return parse(file, lines);
    }

    static AclRules parse(Path file, List<String> lines) throws AclFileException {
        List<AclEntry> anonymous = new ArrayList<>();
        Map<String, List<AclEntry>> byUser = new LinkedHashMap<>();
        List<AclEntry> patterns = new ArrayList<>();
        List<AclEntry> section = anonymous;
        for (int index = 0; index < lines.size(); index++) {
            int number = index + 1;
            String line = lines.get(index).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 2);
            String rest = words.length > 1 ? words[1] : "";
            switch (words[0]) {
                case "user" -> {
                    if (rest.isEmpty()) {
                        throw new AclFileException(file, number, "'user' needs a user name");
                    }
                    section = byUser.computeIfAbsent(rest, user -> new ArrayList<>());
                }
                case "topic" -> section.add(entry(file, number, rest, false));
                case "pattern" -> patterns.add(entry(file, number, rest, true));
                default -> throw new AclFileException(file, number, "unknown keyword '" + words[0]
                        + "': expected user, topic or pattern");
            }
        }
        return new AclRules(anonymous, byUser, patterns);
    }

    /** {@code [access] <topic>}: a topic may contain spaces only after an access word, as in Mosquitto. */
    private static AclEntry entry(Path file, int line, String rest, boolean pattern) throws AclFileException {
        if (rest.isEmpty()) {
            throw new AclFileException(file, line, "missing topic");
        }
        String[] words = rest.split("\\s+", 2);
        AclAccess access = AclAccess.READWRITE;
        String topic = rest;
        if (words.length == 2) {
            access = access(file, line, words[0]);
            topic = words[1];
        }
        if (!TopicSyntax.MQTT.isValidFilter(topic) || !MqttUtf8.isEncodable(topic)) {
            throw new AclFileException(file, line, "'" + topic + "' is not a valid MQTT topic filter");
        }
        if (pattern) {
            checkSubstitutions(file, line, topic);
        }
        return new AclEntry(access, topic, line);
    }

    private static AclAccess access(Path file, int line, String word) throws AclFileException {
        try {
            return AclAccess.valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new AclFileException(file, line, "invalid access '" + word
                    + "': expected read, write, readwrite or deny");
        }
    }

    /** Mosquitto substitutes {@code %u} and {@code %c} only as a whole level; anything else is a mistake. */
    private static void checkSubstitutions(Path file, int line, String topic) throws AclFileException {
        for (String level : topic.split("/", -1)) {
            if (level.contains(PATTERN_LEVEL_PREFIX) && !level.equals("%u") && !level.equals("%c")) {
                throw new AclFileException(file, line, "'" + level + "': %u and %c must be a whole topic level");
            }
        }
    }
}
