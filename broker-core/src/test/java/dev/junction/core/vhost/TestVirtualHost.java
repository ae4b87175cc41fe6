package dev.junction.core.vhost;

import dev.junction.core.queue.Queue;
import dev.junction.core.thread.ShardGroup;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/** A virtual host on its own shards for one test: its queues are deleted and its shards stopped afterwards. */
final class TestVirtualHost implements AfterEachCallback {
    private final ShardGroup shards;
    private final VirtualHost vhost;

    TestVirtualHost(int shardCount) {
        shards = new ShardGroup(shardCount);
        vhost = new VirtualHost("/", shards);
    }

    VirtualHost vhost() {
        return vhost;
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Queue queue : List.copyOf(vhost.queues())) {
            vhost.deleteQueue(queue.name(), null, false, false).join();
        }
        shards.close();
    }
}
