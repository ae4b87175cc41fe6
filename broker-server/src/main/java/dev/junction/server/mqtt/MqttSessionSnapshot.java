package dev.junction.server.mqtt;

import java.time.Instant;
import java.util.Map;

/**
 * One MQTT session as the management API shows it.
 *
 * @param subscriptions  topic filter to granted QoS
 * @param queued         messages waiting in the session's queue
 * @param inFlight       QoS 1/2 messages sent and not yet fully acknowledged
 * @param user           the user name of its last connection in this run, null if anonymous or none yet
 * @param lastConnected  when its last connection in this run was accepted, null if none yet
 */
public record MqttSessionSnapshot(String clientId, boolean cleanSession, boolean connected,
                                  Map<String, Integer> subscriptions, int queued, int inFlight, String queueName,
                                  String vhost, String user, Instant lastConnected) {
}
