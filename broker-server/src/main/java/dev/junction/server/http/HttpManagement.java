package dev.junction.server.http;

import dev.junction.server.config.Config;
import dev.junction.server.net.Protocol;
import dev.junction.server.net.ProtocolListener;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

import java.util.function.BooleanSupplier;

/** The HTTP management listener's pipeline. */
public final class HttpManagement {
    /** A longer request line is a 414, longer headers a 431. */
    private static final int MAX_REQUEST_LINE = 8192;
    private static final int MAX_HEADERS = 8192;

    private HttpManagement() {
    }

    /** The health checks only (a server assembled without the routing core's management). */
    public static ProtocolListener listener(BooleanSupplier ready) {
        return listener(ready, null, HttpSettings.from(Config.defaults()));
    }

    /** Health checks, the JSON API under {@code /api/} and the Prometheus metrics at {@code /metrics}. */
    public static ProtocolListener listener(BooleanSupplier ready, Management management, HttpSettings settings) {
        return new ProtocolListener(Protocol.HTTP, pipeline -> {
            RequestDeadlines deadlines = new RequestDeadlines(settings);
            pipeline.addLast(
                    deadlines.firstByteWatch(),
                    new HttpServerCodec(new HttpDecoderConfig()
                            .setMaxInitialLineLength(MAX_REQUEST_LINE)
                            .setMaxHeaderSize(MAX_HEADERS)),
                    deadlines,
                    new RequestGate(management, settings),
                    new ManagementHandler(ready, management));
        });
    }
}
