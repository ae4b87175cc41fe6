package dev.junction.server.mqtt;

import dev.junction.core.vhost.VirtualHost;

/**
 * What every MQTT session shares, handed to each session's constructor by the {@link SessionRegistry}: the
 * settings, the vhost its queue and bindings live in, the store records of persistent sessions, the counters,
 * the retained messages, the shared subscription groups and the publisher (for recovered wills). Sessions reach nothing else of the broker.
 */
record SessionServices(MqttSettings settings, VirtualHost vhost, MqttDurableState durable, MqttStats stats,
                       RetainedMessages retained, SharedGroups sharedGroups, MqttPublisher publisher) {
}
