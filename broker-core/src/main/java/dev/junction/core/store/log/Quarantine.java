package dev.junction.core.store.log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where recovery keeps a stored definition it cannot use, so that one bad record never stops the broker from
 * starting and the operator still has it: {@code quarantine/record-<id>.bin} in the data directory holds the record
 * as it was in the log (its type, then its body, in the layout of {@code docs/durability.md}), and
 * {@code record-<id>.txt} says why it was set aside.
 */
final class Quarantine {
    static final String DIRECTORY = "quarantine";

    private final Path directory;

    Quarantine(Path dataDirectory) {
        this.directory = dataDirectory.resolve(DIRECTORY);
    }

    /** Writes the record and the reason out; returns the record's file. The log still holds the record. */
    Path keep(long recordId, byte type, byte[] body, String reason) throws IOException {
        Files.createDirectories(directory);
        Path record = directory.resolve("record-" + recordId + ".bin");
        byte[] bytes = new byte[body.length + 1];
        bytes[0] = type;
        System.arraycopy(body, 0, bytes, 1, body.length);
        Files.write(record, bytes);
        Files.writeString(directory.resolve("record-" + recordId + ".txt"),
                "record " + recordId + " of type " + type + " set aside at recovery: " + reason + "\n",
                StandardCharsets.UTF_8);
        return record;
    }
}
