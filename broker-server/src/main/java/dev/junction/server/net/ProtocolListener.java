package dev.junction.server.net;

import io.netty.channel.ChannelPipeline;

import java.util.function.Consumer;

/**
 * What a protocol contributes to the daemon: the handlers each accepted connection gets. The daemon owns the socket,
 * the event loops and the shutdown; a handler that wants to say goodbye in its protocol implements
 * {@link GracefulClose}.
 */
public record ProtocolListener(Protocol protocol, Consumer<ChannelPipeline> pipelineInitializer) {
}
