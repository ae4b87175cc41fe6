package dev.junction.server.acl;

import java.nio.file.Path;

/** An ACL file that cannot be read or says something it must not: the message names the file and the line. */
public final class AclFileException extends Exception {
    AclFileException(Path file, int line, String problem) {
        super(file + ":" + line + ": " + problem);
    }

    AclFileException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
