package dev.junction.server.alarm;

import dev.junction.server.net.ProtocolListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First in the pipeline of every MQTT and AMQP connection: spends each socket read against the memory check's read
 * budget, and when a read exhausts it runs the check at once, on this event loop, before the bytes go on to the
 * codec. The alarm then holds publishers (AMQP connection.blocked, MQTT reads paused) as its periodic check would,
 * only before memory passes the mark rather than after. One atomic add per socket read, no lock.
 */
@ChannelHandler.Sharable
public final class ReadAdmission extends ChannelInboundHandlerAdapter {
    private final ResourceAlarms alarms;
    private final MemoryCheck memory;

    public ReadAdmission(ResourceAlarms alarms, MemoryCheck memory) {
        this.alarms = alarms;
        this.memory = memory;
    }

    /** The same listener, its connections admitted by this check first. */
    public ProtocolListener admitting(ProtocolListener listener) {
        return new ProtocolListener(listener.protocol(), pipeline -> {
            pipeline.addLast("memory-admission", this);
            listener.pipelineInitializer().accept(pipeline);
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && memory.spend(bytes.readableBytes())) {
            alarms.checkNow(memory);
        }
        ctx.fireChannelRead(msg);
    }
}
