package dev.junction.server.http;

import dev.junction.core.Broker;
import dev.junction.core.exchange.Exchange;
import dev.junction.core.queue.Queue;
import dev.junction.core.vhost.VirtualHost;

import java.util.ArrayList;
import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.List;

/** Finds what a path names, or answers 404 the way RabbitMQ does. */
final class Lookup {
    private Lookup() {
    }

    static VirtualHost vhost(Broker broker, String name) {
        VirtualHost vhost = broker.virtualHost(name);
        if (vhost == null) {
            throw ApiError.notFound("no vhost '" + name + "'");
        }
        return vhost;
    }

    /** Every vhost, or the one the path names at {@code index} if it is that long. */
    static Collection<VirtualHost> vhosts(Broker broker, ApiRequest request, int index) {
        return request.length() > index ? List.of(vhost(broker, request.segment(index))) : broker.virtualHosts();
    }

    /** Lists one kind of object across the vhosts the path names: {@code /api/queues} or {@code /api/queues/{vhost}}. */
    static List<ListItem> listAcross(Broker broker, ApiRequest request, BiConsumer<VirtualHost, List<ListItem>> lister) {
        List<ListItem> list = new ArrayList<>();
        for (VirtualHost vhost : vhosts(broker, request, 1)) {
            lister.accept(vhost, list);
        }
        return list;
    }

    /** RabbitMQ's paths name the default exchange {@code amq.default}, since a path segment cannot be empty. */
    static Exchange exchange(VirtualHost vhost, String name) {
        Exchange exchange = vhost.exchange(name.equals("amq.default") ? "" : name);
        if (exchange == null) {
            throw ApiError.notFound("no exchange '" + name + "' in vhost '" + vhost.name() + "'");
        }
        return exchange;
    }

    static Queue queue(VirtualHost vhost, String name) {
        Queue queue = vhost.queue(name);
        if (queue == null) {
            throw ApiError.notFound("no queue '" + name + "' in vhost '" + vhost.name() + "'");
        }
        return queue;
    }
}
