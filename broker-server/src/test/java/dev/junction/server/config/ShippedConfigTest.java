package dev.junction.server.config;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The files shipped beside the jar must say what the code does, so they cannot go stale. */
class ShippedConfigTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @Test
    void junctionConfListsEveryKeyWithItsDefaultAndDocInRegistryOrder() throws Exception {
        Path file = REPO.resolve("config/junction.conf");
        List<String> lines = Files.readAllLines(file);
        List<String> settings = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            settings.add(line);
            String name = line.substring(0, line.indexOf('=')).strip();
            ConfigKey<?> key = ConfigKeys.byName(name).orElseThrow();
            assertEquals("# " + key.doc(), lines.get(i - 1).strip(), "comment above " + name);
        }
        List<String> expected = ConfigKeys.ALL.stream().map(k -> k.name() + " = " + k.defaultText()).toList();
        assertEquals(expected, settings);
        // And the loader accepts it as is.
        Config config = ConfigLoader.load(file, List.of());
        ConfigKeys.ALL.forEach(k -> assertEquals(k.defaultValue(), config.get(k), k.name()));
    }

    @Test
    void configurationDocHasARowPerKeyWithItsDefault() throws Exception {
        String doc = Files.readString(REPO.resolve("docs/configuration.md"));
        for (ConfigKey<?> key : ConfigKeys.ALL) {
            String row = "| `" + key.name() + "` | `" + key.defaultText() + "` |";
            assertTrue(doc.contains(row), "docs/configuration.md lacks the row starting " + row);
        }
    }

    @Test
    void operatorLogbackXmlIsTheOneInTheJar() throws Exception {
        try (InputStream inJar = ShippedConfigTest.class.getResourceAsStream("/logback.xml")) {
            assertNotNull(inJar);
            assertArrayEquals(inJar.readAllBytes(), Files.readAllBytes(REPO.resolve("config/logback.xml")));
        }
    }
}
