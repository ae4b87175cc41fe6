package dev.junction.server.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one management connection, so that neither an idle socket nor a request trickled in byte by
 * byte holds it: with no request in progress it is closed after the idle timeout; from the first byte of a request
 * its headers must arrive within the header timeout, then its body, and its credentials be checked, within the body
 * timeout, or it is answered 408 and closed: a login whose refusal is spaced beyond it gets no answer. While a
 * request is answered (a streaming answer included) no deadline runs. Sits after the HTTP
 * codec; {@link #firstByteWatch()} goes before it, to see a request begin. Runs on the connection's event loop.
 */
final class RequestDeadlines extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(RequestDeadlines.class);

    private enum State { IDLE, HEADERS, BODY, ANSWERING }

    /** Fired through the pipeline by the {@link RequestGate} once it lets a whole request through. */
    static final Object REQUEST_READ = new Object() {
        @Override
        public String toString() {
            return "REQUEST_READ";
        }
    };

    private final HttpSettings settings;
    private ChannelHandlerContext ctx;
    private State state;
    private ScheduledFuture<?> deadline;
    /** Requests read in full and responses written in full; while they differ, a request is being answered. */
    private long requestsRead;
    private long responsesWritten;

    RequestDeadlines(HttpSettings settings) {
        this.settings = settings;
    }

    /** The handler to put before the HTTP codec: it tells this one that bytes arrived. */
    ChannelHandler firstByteWatch() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                bytesArrived();
                ctx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        enter(State.IDLE);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void bytesArrived() {
        if (state == State.IDLE || state == State.ANSWERING) {
            enter(State.HEADERS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            enter(State.BODY);
        }
        ctx.fireChannelRead(msg);
    }

    /** The {@link RequestGate} let a whole request through: it is answered from now on. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == REQUEST_READ) {
            requestsRead++;
            enter(State.ANSWERING);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean informational = msg instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        if (msg instanceof LastHttpContent && !informational) {
            responsesWritten++;
            if (state == State.ANSWERING && responsesWritten >= requestsRead) {
                enter(State.IDLE);
            }
        }
        ctx.write(msg, promise);
    }

    private void enter(State next) {
        cancel();
        state = next;
        switch (next) {
            case IDLE -> schedule(settings.idleTimeout(), this::idle);
            case HEADERS -> schedule(settings.headerTimeout(), () -> tooSlow("request headers not received",
                    settings.headerTimeout()));
            case BODY -> schedule(settings.bodyTimeout(), () -> tooSlow("request body not received or credentials "
                    + "not accepted", settings.bodyTimeout()));
            case ANSWERING -> {
            }
        }
    }

    private void schedule(Duration timeout, Runnable expiry) {
        deadline = ctx.executor().schedule(expiry, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void idle() {
        log.debug("Closing management connection from {}: idle for {} s", ctx.channel().remoteAddress(),
                settings.idleTimeout().toSeconds());
        ctx.close();
    }

    private void tooSlow(String what, Duration timeout) {
        String reason = what + " within " + timeout.toSeconds() + " s";
        log.debug("Closing management connection from {}: {}", ctx.channel().remoteAddress(), reason);
        state = State.ANSWERING;
        Responses.refuseAndClose(ctx, new ApiError(HttpResponseStatus.REQUEST_TIMEOUT, "request_timeout", reason));
    }
}
