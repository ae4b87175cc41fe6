package dev.junction.server.mqtt;

import dev.junction.core.queue.ConsumerSelection;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.InvalidValueException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MqttSettingsTest {
    @Test
    void theDefaultConfigGivesTheDefaultSettings() {
        assertEquals(MqttSettings.DEFAULTS, MqttSettings.from(Config.defaults()));
    }

    @Test
    void everyMqttKeyReachesTheSettings() throws InvalidValueException {
        Config config = Config.defaults()
                .with(ConfigKeys.MQTT_VHOST, "devices")
                .with(ConfigKeys.MQTT_EXCHANGE, "telemetry")
                .with(ConfigKeys.MQTT_MAX_INFLIGHT, 5)
                .with(ConfigKeys.MQTT_MAX_QUEUED_MESSAGES, 7)
                .with(ConfigKeys.MQTT_MAX_QUEUED_BYTES, 4096L)
                .with(ConfigKeys.MQTT_DEAD_LETTER_EXCHANGE, ConfigKeys.MQTT_DEAD_LETTER_EXCHANGE.parse("mqtt.dlx"))
                .with(ConfigKeys.MQTT_SESSION_EXPIRY, 60)
                .with(ConfigKeys.MQTT_SYS_INTERVAL, 3)
                .with(ConfigKeys.MQTT_ALLOW_ANONYMOUS, ConfigKeys.MQTT_ALLOW_ANONYMOUS.parse("TRUE"))
                .with(ConfigKeys.MQTT_RECEIVE_MAXIMUM, 10)
                .with(ConfigKeys.MQTT_TOPIC_ALIAS_MAXIMUM, 0)
                .with(ConfigKeys.MQTT_SHARED_SUBSCRIPTION_STRATEGY,
                        ConfigKeys.MQTT_SHARED_SUBSCRIPTION_STRATEGY.parse("hash_clientid"));
        MqttSettings settings = MqttSettings.from(config);
        assertEquals(new MqttSettings("devices", "telemetry", 5, 7, 4096, "mqtt.dlx", Duration.ofSeconds(60),
                Duration.ofSeconds(10), 16777216, Duration.ofSeconds(3), true, true, ConsumerSelection.HASH_PUBLISHER,
                new MqttSettings.Mqtt5Limits(10, 0)),
                settings);
    }

    @Test
    void aUserListIsReadAsNamesAndPasswords() throws Exception {
        assertEquals(Map.of("alice", "s3cr:et", "bob", ""), ConfigKeys.USERS.parse(" alice:s3cr:et , bob:"));
    }

    @Test
    void badUserListsAreRefusedWithTheReason() {
        InvalidValueException noColon = assertThrows(InvalidValueException.class,
                () -> ConfigKeys.USERS.parse("guest"));
        assertEquals("'guest' is not name:password", noColon.getMessage());
        InvalidValueException twice = assertThrows(InvalidValueException.class,
                () -> ConfigKeys.USERS.parse("a:1,a:2"));
        assertTrue(twice.getMessage().contains("listed twice"), twice.getMessage());
        assertThrows(InvalidValueException.class, () -> ConfigKeys.MQTT_ALLOW_ANONYMOUS.parse("yes"));
    }
}
