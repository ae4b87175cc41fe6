package dev.junction.server.http;

import dev.junction.server.net.Protocol;
import dev.junction.server.net.ProtocolListener;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;

import java.util.function.BooleanSupplier;

/** The HTTP management listener's pipeline. */
public final class HttpManagement {
    /** Health requests carry no body; anything larger is refused with 413 by the aggregator. */
    private static final int MAX_REQUEST_BODY = 8 * 1024;

    private HttpManagement() {
    }

    public static ProtocolListener listener(BooleanSupplier ready) {
        return new ProtocolListener(Protocol.HTTP, pipeline -> pipeline.addLast(
                new HttpServerCodec(),
                new HttpObjectAggregator(MAX_REQUEST_BODY),
                new HealthHandler(ready)));
    }
}
