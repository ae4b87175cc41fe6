package dev.junction.core.store;

import java.io.IOException;

/**
 * A persistence engine: durable topology and persistent messages, recovered when it is opened. Engines are chosen
 * by name through {@link StorageEngines}; the core and the protocol handlers only see this interface.
 */
public interface Storage extends AutoCloseable {

    DefinitionStore definitions();

    MessageStore messages();

    /** Where queues page message bodies out of the heap; engines that keep nothing page nothing. */
    default MessagePages pages() {
        return MessagePages.NONE;
    }

    /**
     * What survived from the previous run, handed out once; later calls return {@link Recovered#NOTHING}. Message
     * bodies stay in the store: they are read back through {@link #pages()}.
     */
    Recovered takeRecovered();

    /** Writes out everything requested so far and closes the files; requests made afterwards fail. */
    @Override
    void close() throws IOException;
}
