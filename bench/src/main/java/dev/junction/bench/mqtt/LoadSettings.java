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
 * @param cleanSession the CONNECT flag of every connection; false asks for persistent sessions, which the broker
 *                     keeps (with their stored messages) after the run
 */
record LoadSettings(InetSocketAddress broker, long brokerPid, int threads, int payloadSize, int window,
                    int maxInFlight, boolean cleanSession, Phase phase) {
}
