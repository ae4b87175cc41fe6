package dev.junction.server.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a rabbitmq.conf-style file ({@code key = value} per line, {@code #} starts a comment line, blank lines
 * ignored) and then applies {@code --set key=value} overrides. Every problem becomes one {@link ConfigException} line
 * naming its source (the file and line, or the --set argument), the key and what is wrong.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** @param file the config file, or null for built-in defaults only */
    public static Config load(Path file, List<String> overrides) throws ConfigException {
        Config config = Config.defaults();
        if (file != null) {
            config = applyFile(config, file);
        }
        for (String override : overrides) {
            config = applyOverride(config, override);
        }
        return config;
    }

    private static Config applyFile(Config config, Path file) throws ConfigException {
        List<String> lines = readLines(file);
        Map<String, Integer> lineOfKey = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String source = "config file " + file + " line " + (i + 1);
            int equals = line.indexOf('=');
            if (equals < 0) {
                throw new ConfigException(source + ": expected 'key = value', found '" + line + "'");
            }
            String name = line.substring(0, equals).strip();
            Integer earlier = lineOfKey.putIfAbsent(name, i + 1);
            if (earlier != null) {
                throw new ConfigException(source + ": " + name + ": already set on line " + earlier);
            }
            config = apply(config, source, name, line.substring(equals + 1).strip());
        }
        return config;
    }

    private static List<String> readLines(Path file) throws ConfigException {
        if (Files.isDirectory(file)) {
            throw new ConfigException("config file " + file + ": cannot read: is a directory");
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + ": cannot read: no such file");
        } catch (AccessDeniedException e) {
            throw new ConfigException("config file " + file + ": cannot read: permission denied");
        } catch (CharacterCodingException e) {
            throw new ConfigException("config file " + file + ": cannot read: not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + ": cannot read: " + e.getMessage());
        }
    }

    private static Config applyOverride(Config config, String override) throws ConfigException {
        String source = "--set " + override;
        int equals = override.indexOf('=');
        if (equals < 0) {
            throw new ConfigException(source + ": expected key=value");
        }
        return apply(config, source, override.substring(0, equals).strip(), override.substring(equals + 1).strip());
    }

    private static Config apply(Config config, String source, String name, String text) throws ConfigException {
        if (name.isEmpty()) {
            throw new ConfigException(source + ": missing key before '='");
        }
        ConfigKey<?> key = ConfigKeys.byName(name)
                .orElseThrow(() -> new ConfigException(source + ": unknown key '" + name + "'"));
        if (text.isEmpty()) {
            throw new ConfigException(source + ": " + name + ": missing value after '='");
        }
        return withParsed(config, source, key, text);
    }

    private static <T> Config withParsed(Config config, String source, ConfigKey<T> key, String text)
            throws ConfigException {
        try {
            return config.with(key, key.parse(text));
        } catch (InvalidValueException e) {
            throw new ConfigException(source + ": " + key.name() + ": " + e.getMessage());
        }
    }
}
