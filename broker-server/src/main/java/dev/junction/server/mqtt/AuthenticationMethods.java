package dev.junction.server.mqtt;

/**
 * The MQTT 5 enhanced authentication methods (section 4.12) the broker offers. A CONNECT naming any other gets
 * CONNACK 0x8C (Bad authentication method).
 */
final class AuthenticationMethods {
    private AuthenticationMethods() {
    }

    /** None yet: enhanced authentication (AUTH) is not implemented. */
    static boolean supports(String method) {
        return false;
    }
}
