package dev.junction.core.store;

import java.io.IOException;

/** Opens one kind of {@link Storage}; registered by name in {@link StorageEngines}. */
@FunctionalInterface
public interface StorageEngine {
    Storage open(StorageSettings settings) throws IOException;
}
