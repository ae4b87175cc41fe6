package dev.junction.server.http;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.channel.ChannelPipeline;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drives the real management pipeline through a real HTTP client codec, byte for byte. */
class HealthEndpointTest {
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private final EmbeddedChannel server = new EmbeddedChannel();
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(8192));

    {
        ChannelPipeline pipeline = server.pipeline();
        HttpManagement.listener(ready::get).pipelineInitializer().accept(pipeline);
    }

    @AfterEach
    void finish() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    @Test
    void liveIsOkJson() {
        Answer answer = request(HttpMethod.GET, "/health/live");
        assertEquals(HttpResponseStatus.OK, answer.status);
        assertEquals("{\"status\":\"ok\"}", answer.body);
        assertEquals("application/json", answer.contentType);
    }

    @Test
    void readyFollowsTheListeners() {
        assertEquals(HttpResponseStatus.OK, request(HttpMethod.GET, "/health/ready").status);
        ready.set(false);
        Answer answer = request(HttpMethod.GET, "/health/ready?verbose=1");
        assertEquals(HttpResponseStatus.SERVICE_UNAVAILABLE, answer.status);
        assertEquals("{\"status\":\"not ready\"}", answer.body);
    }

    @Test
    void unknownPathIsJson404() {
        Answer answer = request(HttpMethod.GET, "/api/queues");
        assertEquals(HttpResponseStatus.NOT_FOUND, answer.status);
        assertEquals("{\"error\":\"Object Not Found\",\"reason\":\"Not Found\"}", answer.body);
    }

    @Test
    void otherMethodsOnHealthAre405WithAllow() {
        Answer answer = request(HttpMethod.POST, "/health/live");
        assertEquals(HttpResponseStatus.METHOD_NOT_ALLOWED, answer.status);
        assertEquals("GET", answer.allow);
    }

    @Test
    void keepAliveConnectionServesSeveralRequests() {
        assertEquals(HttpResponseStatus.OK, request(HttpMethod.GET, "/health/live").status);
        assertEquals(HttpResponseStatus.OK, request(HttpMethod.GET, "/health/ready").status);
        assertTrue(server.isOpen());
    }

    @Test
    void connectionCloseIsHonoured() {
        DefaultFullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/health/live");
        request.headers().set(HttpHeaderNames.CONNECTION, "close");
        assertEquals(HttpResponseStatus.OK, exchange(request).status);
        assertFalse(server.isOpen());
    }

    private record Answer(HttpResponseStatus status, String body, String contentType, String allow) {
    }

    private Answer request(HttpMethod method, String uri) {
        return exchange(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri));
    }

    private Answer exchange(DefaultFullHttpRequest request) {
        client.writeOutbound(request);
        for (Object bytes; (bytes = client.readOutbound()) != null; ) {
            server.writeInbound(bytes);
        }
        for (Object bytes; (bytes = server.readOutbound()) != null; ) {
            client.writeInbound(bytes);
        }
        FullHttpResponse response = client.readInbound();
        try {
            return new Answer(response.status(), response.content().toString(StandardCharsets.UTF_8),
                    response.headers().get(HttpHeaderNames.CONTENT_TYPE), response.headers().get(HttpHeaderNames.ALLOW));
        } finally {
            response.release();
        }
    }
}
