package dev.junction.core.store;

class LogStorageTest extends StorageContractTest {
    @Override
    String engine() {
        return "log";
    }

    @Override
    boolean keepsData() {
        return true;
    }
}
