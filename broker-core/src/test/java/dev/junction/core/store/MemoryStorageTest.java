package dev.junction.core.store;

class MemoryStorageTest extends StorageContractTest {
    @Override
    String engine() {
        return "memory";
    }

    @Override
    boolean keepsData() {
        return false;
    }
}
