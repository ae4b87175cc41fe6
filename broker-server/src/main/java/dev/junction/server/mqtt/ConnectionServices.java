package dev.junction.server.mqtt;

import dev.junction.server.acl.MqttAcl;
import dev.junction.server.limits.Limits;

import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What every MQTT connection shares, handed to each connection's constructor by the {@link MqttBroker}: the
 * settings, the limits, the counters, the login check, the ACL, the sessions, the publisher into the core, whether
 * an alarm holds publishers back, and the set of open connections (which the broker tells of alarms and revoked
 * users). Connections reach nothing else of the broker.
 */
record ConnectionServices(MqttSettings settings, Limits limits, MqttStats stats, MqttAuthenticator authenticator,
                          MqttAcl acl, SessionRegistry sessions, MqttPublisher publisher,
                          BooleanSupplier publishersBlocked, Set<MqttConnection> open) {
}
