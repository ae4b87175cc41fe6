package dev.junction.bench.mqtt;

import java.net.InetSocketAddress;

/**
 * What every scenario shares.
 *
 * @param brokerPid   the broker's process id for CPU and memory figures, 0 if unknown
 * @param threads     event loop threads of the load generator
 * @param payloadSize bytes per message, at least {@link LoadClient#MIN_PAYLOAD}
 * @param window      messages published but not yet received, at most (see {@link DeliveryWindow})
 * @param maxInFlight unacknowledged QoS 1 or 2 publishes per publishing connection, at most
 * @param client      how every connection speaks to the broker: protocol version, clean session, topic aliases
 */
record LoadSettings(InetSocketAddress broker, long brokerPid, int threads, int payloadSize, int window,
                    int maxInFlight, ClientOptions client, Phase phase) {
}
