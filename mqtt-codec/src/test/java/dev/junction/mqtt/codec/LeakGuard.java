package dev.junction.mqtt.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Turns Netty's leak reports, which are only logged, into test failures. After a test class, it collects garbage
 * and allocates so the detector reports any buffer that was dropped without being released.
 */
final class LeakGuard implements AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static final int COLLECTION_ROUNDS = 5;

    static {
        try {
            // The detector every ByteBuf reports to is a package-private static of Netty's; tests only.
            Field field = AbstractByteBuf.class.getDeclaredField("leakDetector");
            field.setAccessible(true);
            ResourceLeakDetector<?> detector = (ResourceLeakDetector<?>) field.get(null);
            detector.setLeakListener((resourceType, records) -> LEAKS.add(records));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Leaks reported so far whose records mention {@code hint}; they are removed from the record. */
    static List<String> takeLeaksMentioning(String hint) {
        List<String> matching = LEAKS.stream().filter(records -> records.contains(hint)).toList();
        LEAKS.removeAll(matching);
        return matching;
    }

    /** The detector notices collected buffers only when another buffer is allocated. */
    static void collectAndPoll() {
        System.gc();
        ByteBuf probe = ByteBufAllocator.DEFAULT.heapBuffer(1);
        probe.release();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < COLLECTION_ROUNDS; i++) {
            collectAndPoll();
        }
        List<String> leaks = List.copyOf(LEAKS);
        LEAKS.clear();
        assertEquals(List.of(), leaks, "buffers were leaked by " + context.getDisplayName());
    }
}
