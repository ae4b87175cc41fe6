package dev.junction.server.http;

import dev.junction.core.Broker;
import dev.junction.server.mqtt.MqttBroker;
import io.netty.handler.codec.http.HttpMethod;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/tail?topic=pattern[&vhost=v][&exchange=x][&count=n]}: the messages routed to an AMQP topic
 * pattern on a topic exchange (the MQTT exchange by default), live, as one JSON object per line (chunked NDJSON),
 * until {@code count} were sent or the client goes away. Both protocols' messages pass through that exchange, an
 * MQTT topic {@code a/b} as routing key {@code a.b}.
 */
final class TailResource implements ApiResource {
    private static final int MAX_COUNT = 1_000_000;

    private final MqttBroker mqtt;
    private final Broker broker;

    TailResource(Broker broker, MqttBroker mqtt) {
        this.broker = broker;
        this.mqtt = mqtt;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        if (request.length() != 1) {
            throw request.unknownPath();
        }
        request.requireMethod(HttpMethod.GET);
        String topic = parameter(request, "topic", null);
        if (topic == null || topic.isEmpty()) {
            throw ApiError.badRequest("'topic' is required: an AMQP topic pattern such as 'sensors.#'");
        }
        String vhost = parameter(request, "vhost", mqtt.vhostName());
        String exchange = parameter(request, "exchange", mqtt.exchangeName());
        String count = parameter(request, "count", "0");
        if (!count.matches("\\d{1,7}") || Integer.parseInt(count) > MAX_COUNT) {
            throw ApiError.badRequest("'count' must be an integer in 0.." + MAX_COUNT + " (0: no limit), was '"
                    + count + "'");
        }
        TailStream stream = TailStream.open(Lookup.vhost(broker, vhost), Lookup.exchange(
                Lookup.vhost(broker, vhost), exchange).name(), topic, Integer.parseInt(count));
        return ApiResponse.streaming(stream);
    }

    private static String parameter(ApiRequest request, String name, String fallback) {
        List<String> values = request.query().get(name);
        return values == null || values.isEmpty() ? fallback : values.get(0);
    }
}
