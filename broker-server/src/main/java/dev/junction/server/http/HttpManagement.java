package dev.junction.server.http;

import dev.junction.server.net.Protocol;
import dev.junction.server.net.ProtocolListener;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.util.function.BooleanSupplier;

/** The HTTP management listener's pipeline. */
public final class HttpManagement {
    /** Definitions imports are the largest bodies; anything larger is refused with 413 by the aggregator. */
    private static final int MAX_REQUEST_BODY = 16 * 1024 * 1024;

    private HttpManagement() {
    }

    /** The health checks only (a server assembled without the routing core's management). */
    public static ProtocolListener listener(BooleanSupplier ready) {
        return listener(ready, null);
    }

    /** Health checks, the JSON API under {@code /api/} and the Prometheus metrics at {@code /metrics}. */
    public static ProtocolListener listener(BooleanSupplier ready, Management management) {
        return new ProtocolListener(Protocol.HTTP, pipeline -> pipeline.addLast(
                new HttpServerCodec(),
                new HttpObjectAggregator(MAX_REQUEST_BODY),
                new ManagementHandler(ready, management)));
    }
}
