package dev.junction.server.http;

import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;

import java.time.Duration;

/**
 * What the management port allows one request: body sizes by route and the deadlines that keep slow or idle
 * clients from holding connections ({@code http.*} keys).
 *
 * @param maxBodySize        any API request body but a definitions import ({@code http.max_body_size})
 * @param maxDefinitionsSize a definitions import ({@code http.max_definitions_size})
 * @param idleTimeout        no request in progress ({@code http.idle_timeout})
 * @param headerTimeout      first byte of a request to the end of its headers ({@code http.header_timeout})
 * @param bodyTimeout        end of the headers to the end of the body ({@code http.body_timeout})
 */
public record HttpSettings(int maxBodySize, int maxDefinitionsSize, Duration idleTimeout, Duration headerTimeout,
                           Duration bodyTimeout) {
    public static HttpSettings from(Config config) {
        return new HttpSettings(config.get(ConfigKeys.HTTP_MAX_BODY_SIZE),
                config.get(ConfigKeys.HTTP_MAX_DEFINITIONS_SIZE),
                Duration.ofSeconds(config.get(ConfigKeys.HTTP_IDLE_TIMEOUT)),
                Duration.ofSeconds(config.get(ConfigKeys.HTTP_HEADER_TIMEOUT)),
                Duration.ofSeconds(config.get(ConfigKeys.HTTP_BODY_TIMEOUT)));
    }
}
