package dev.junction.server.net;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

class EventLoopOwnerTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final EventLoopOwner owner = new EventLoopOwner(loop);

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void tasksRunOnTheLoop() throws Exception {
        CompletableFuture<Boolean> inLoop = new CompletableFuture<>();
        owner.execute(() -> inLoop.complete(loop.inEventLoop()));
        assertTrue(inLoop.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aTimerRunsOnTheLoopNoEarlierThanItsDeadline() throws Exception {
        CompletableFuture<Boolean> ranInTime = new CompletableFuture<>();
        owner.execute(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            owner.scheduleAt(deadline, () -> ranInTime.complete(loop.inEventLoop() && System.nanoTime() >= deadline));
        });
        assertTrue(ranInTime.get(5, TimeUnit.SECONDS), "the timer ran early or off the loop");
    }
}
