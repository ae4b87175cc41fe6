package dev.junction.core.store.log;

import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking helpers for tests. */
final class LogTesting {

    static final long TIMEOUT_SECONDS = 10;

    private LogTesting() {
    }

    static long appendAndWait(SegmentedLog log, int type, byte[] body) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        long id = log.append((byte) type, Unpooled.wrappedBuffer(body), WriteListener.completing(done));
        await(done);
        return id;
    }

    static long appendAndWait(SegmentedLog log, String body) {
        return appendAndWait(log, 1, body.getBytes(StandardCharsets.UTF_8));
    }

    static void releaseAndWait(SegmentedLog log, long id) {
        CompletableFuture<Long> done = new CompletableFuture<>();
        log.release(id, WriteListener.completing(done));
        await(done);
    }

    static long await(CompletableFuture<Long> done) {
        try {
            return done.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("write not completed in time", e);
        } catch (ExecutionException e) {
            throw new AssertionError("write failed", e.getCause());
        }
    }

    static Recovered reopenAndClose(LogConfig config) throws IOException {
        Recovered recovered = new Recovered();
        SegmentedLog.open(config, recovered).close();
        return recovered;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
