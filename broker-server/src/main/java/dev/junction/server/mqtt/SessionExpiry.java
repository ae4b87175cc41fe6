package dev.junction.server.mqtt;

import dev.junction.mqtt.codec.Connect;

import java.time.Duration;

/**
 * How long a session outlives its network connection (section 3.1.2.11.2). An MQTT 3.1.1 session with clean session
 * 0 is kept for {@code mqtt.session_expiry}, one with clean session 1 ends with its connection; an MQTT 5 client
 * asks for its interval (absent or 0: it ends with the connection, 0xFFFFFFFF: it never expires) and the broker
 * grants at most {@code mqtt.session_expiry}, announcing the value in CONNACK when it grants less.
 */
final class SessionExpiry {
    /** The Session Expiry Interval that means "never expires". */
    static final long NEVER = 0xFFFFFFFFL;

    private SessionExpiry() {
    }

    /** What the client asked for, in seconds: 0 when absent (section 3.1.2.11.2). */
    static long requestedSeconds(Connect connect) {
        return connect.properties().sessionExpiryInterval().orElse(0);
    }

    /** What the broker grants the CONNECT. */
    static Duration granted(Connect connect, Duration cap) {
        if (!connect.version().isMqtt5()) {
            return connect.cleanSession() ? Duration.ZERO : cap;
        }
        return grantedSeconds(requestedSeconds(connect), cap);
    }

    /** An MQTT 5 interval in seconds, at most {@code cap} (0xFFFFFFFF is more than any cap). */
    static Duration grantedSeconds(long seconds, Duration cap) {
        Duration asked = Duration.ofSeconds(seconds);
        return asked.compareTo(cap) > 0 ? cap : asked;
    }

    /** The granted interval as CONNACK's Session Expiry Interval announces it, in whole seconds rounded up. */
    static long announcedSeconds(Duration granted) {
        long seconds = granted.toSeconds();
        return granted.equals(Duration.ofSeconds(seconds)) ? seconds : seconds + 1;
    }
}
