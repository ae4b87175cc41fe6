package dev.junction.server.amqp;

import io.netty.channel.Channel;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An AMQP connection's user, vhost and channels, read on its event loop. User and vhost are null until the
 * handshake has reached them.
 */
public record ConnectionSnapshot(String user, String vhost, List<ChannelSnapshot> channels) {
    private static final ConnectionSnapshot NONE = new ConnectionSnapshot(null, null, List.of());

    /** Of the AMQP connection on {@code socket}; one with no channels if the socket carries no AMQP connection. */
    public static CompletableFuture<ConnectionSnapshot> of(Channel socket) {
        AmqpConnection connection = socket.pipeline().get(AmqpConnection.class);
        if (connection == null) {
            return CompletableFuture.completedFuture(NONE);
        }
        CompletableFuture<ConnectionSnapshot> snapshot = new CompletableFuture<>();
        socket.eventLoop().execute(() -> snapshot.complete(connection.snapshot()));
        return snapshot;
    }
}
