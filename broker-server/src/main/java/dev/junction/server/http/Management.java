package dev.junction.server.http;

/** What the HTTP listener serves besides the health checks: the JSON API and the Prometheus metrics. */
public record Management(ManagementApi api, BrokerMetrics metrics) {
}
