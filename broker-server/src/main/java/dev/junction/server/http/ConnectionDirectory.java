package dev.junction.server.http;

import dev.junction.server.net.CloseReason;
import dev.junction.server.net.Listener;
import dev.junction.server.net.Protocol;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The daemon's listeners as the management endpoint sees them: where each listens, and the open client connections
 * of each messaging protocol, named as RabbitMQ names them ({@code "peer-host:peer-port -> local-host:local-port"}).
 * HTTP connections are not client connections.
 */
public final class ConnectionDirectory {
    private final Supplier<Map<Protocol, Listener>> listeners;

    /** @param listeners the bound listeners by protocol, read at each request (they are bound after this exists) */
    public ConnectionDirectory(Supplier<Map<Protocol, Listener>> listeners) {
        this.listeners = listeners;
    }

    Map<Protocol, Listener> listeners() {
        return listeners.get();
    }

    /** One open connection. */
    record OpenConnection(Protocol protocol, Channel channel) {
        String name() {
            return hostAndPort(peer()) + " -> " + hostAndPort(local());
        }

        InetSocketAddress peer() {
            return (InetSocketAddress) channel.remoteAddress();
        }

        InetSocketAddress local() {
            return (InetSocketAddress) channel.localAddress();
        }

        /**
         * Asks the connection to close the protocol's way (AMQP: connection.close, 320 CONNECTION_FORCED), saying
         * why in the log and to the client.
         */
        void close(CloseReason reason) {
            channel.eventLoop().execute(() -> Listener.closeGracefully(channel, reason));
        }
    }

    List<OpenConnection> list() {
        List<OpenConnection> open = new ArrayList<>();
        listeners.get().forEach((protocol, listener) -> {
            if (!protocol.isManagement()) {
                for (Channel channel : listener.connections()) {
                    if (channel.isActive()) {
                        open.add(new OpenConnection(protocol, channel));
                    }
                }
            }
        });
        return open;
    }

    Optional<OpenConnection> find(String name) {
        return list().stream().filter(connection -> connection.name().equals(name)).findFirst();
    }

    /** Open connections of one protocol, for the metrics. */
    int count(Protocol protocol) {
        Listener listener = listeners.get().get(protocol);
        return listener == null ? 0 : listener.connections().size();
    }

    static String hostAndPort(InetSocketAddress address) {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
