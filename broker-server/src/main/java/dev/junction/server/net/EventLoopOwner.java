package dev.junction.server.net;

import dev.junction.core.thread.OwnerThread;
import io.netty.channel.EventLoop;

import java.util.concurrent.TimeUnit;

/**
 * A connection's event loop as the owner of a queue that only this connection consumes (an MQTT clean session's):
 * the queue hands each delivery to the loop that writes it, so a message crosses one thread fewer on its way out.
 */
public record EventLoopOwner(EventLoop loop) implements OwnerThread {

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public void scheduleAt(long deadlineNanos, Runnable task) {
        loop.schedule(task, deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean isCurrentThread() {
        return loop.inEventLoop();
    }
}
