package dev.junction.core.store;

import dev.junction.core.store.log.LogStorage;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The engines {@code storage.engine} can name. A new engine is one more entry here: nothing outside the store
 * refers to a particular engine.
 */
public final class StorageEngines {
    private static final Map<String, StorageEngine> ENGINES = Map.of(
            "log", LogStorage::open,
            "memory", settings -> new MemoryStorage());

    private StorageEngines() {
    }

    public static Set<String> names() {
        return new TreeSet<>(ENGINES.keySet());
    }

    /** @throws IllegalArgumentException naming the known engines when {@code name} is none of them */
    public static Storage open(String name, StorageSettings settings) throws IOException {
        StorageEngine engine = ENGINES.get(name);
        if (engine == null) {
            throw new IllegalArgumentException("unknown storage engine '" + name + "': expected one of "
                    + String.join(", ", names()));
        }
        return engine.open(settings);
    }
}
