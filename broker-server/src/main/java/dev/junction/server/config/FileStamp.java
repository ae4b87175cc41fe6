package dev.junction.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/**
 * What tells a replaced file apart, for the files the configuration names and the broker reloads when they change
 * (TLS certificates, the MQTT ACL file); a file missing for a moment (mid-replacement) has a null time.
 */
public record FileStamp(FileTime modified, long size) {
    public static FileStamp of(Path file) {
        try {
            return new FileStamp(Files.getLastModifiedTime(file), Files.size(file));
        } catch (IOException e) {
            return new FileStamp(null, -1);
        }
    }
}
