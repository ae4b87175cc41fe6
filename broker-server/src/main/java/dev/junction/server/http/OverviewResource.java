package dev.junction.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.junction.core.Broker;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.server.mqtt.MqttBroker;
import dev.junction.server.net.Protocol;
import io.netty.handler.codec.http.HttpMethod;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/** {@code /api/overview}: product, listeners, object and message totals, and the MQTT side's counters. */
final class OverviewResource implements ApiResource {
    static final String PRODUCT_NAME = "Junction";

    private final Broker broker;
    private final MqttBroker mqtt;
    private final ConnectionDirectory connections;

    OverviewResource(Broker broker, MqttBroker mqtt, ConnectionDirectory connections) {
        this.broker = broker;
        this.mqtt = mqtt;
        this.connections = connections;
    }

    static String productVersion() {
        String version = OverviewResource.class.getPackage().getImplementationVersion();
        return version != null ? version : "development";
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() != 1) {
            throw request.unknownPath();
        }
        request.requireMethod(HttpMethod.GET);
        ObjectNode overview = Json.object()
                .put("product_name", PRODUCT_NAME)
                .put("product_version", productVersion())
                .put("management_version", productVersion());
        MessageTotals totals = new MessageTotals(0, 0);
        int exchanges = 0;
        int queues = 0;
        int consumers = 0;
        for (VirtualHost vhost : broker.virtualHosts()) {
            totals = totals.plus(MessageTotals.of(vhost.queues()));
            exchanges += vhost.exchanges().size();
            queues += vhost.queues().size();
            consumers += vhost.queues().stream().mapToInt(queue -> queue.consumerCount()).sum();
        }
        overview.putObject("object_totals")
                .put("connections", connections.list().size())
                .put("exchanges", exchanges)
                .put("queues", queues)
                .put("consumers", consumers)
                .put("vhosts", broker.virtualHosts().size());
        totals.into(overview.putObject("queue_totals"));
        overview.putObject("mqtt")
                .put("clients_connected", mqtt.clientsConnected())
                .put("sessions", mqtt.sessionCount())
                .put("messages_received", mqtt.messagesReceived())
                .put("messages_sent", mqtt.messagesSent());
        ArrayNode listeners = overview.putArray("listeners");
        connections.listeners().forEach((protocol, listener) -> {
            InetSocketAddress address = listener.address();
            listeners.addObject()
                    .put("protocol", wireName(protocol))
                    .put("ip_address", address.getAddress().getHostAddress())
                    .put("port", address.getPort());
        });
        return ApiResponse.ok(overview);
    }

    /** RabbitMQ's listener protocol names: amqp, mqtt, http; and ours for MQTT over WebSocket. */
    static String wireName(Protocol protocol) {
        return protocol == Protocol.MQTT_WEBSOCKET ? "http/web-mqtt" : protocol.name().toLowerCase(Locale.ROOT);
    }
}
