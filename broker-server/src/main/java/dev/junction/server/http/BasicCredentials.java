package dev.junction.server.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The user name and password of an {@code Authorization: Basic} header. */
record BasicCredentials(String user, String password) {
    /** The credentials {@code authorization} carries; null when it is missing or not well-formed basic auth. */
    static BasicCredentials parse(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String credentials;
        try {
            credentials = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = credentials.indexOf(':');
        return colon < 0 ? null : new BasicCredentials(credentials.substring(0, colon),
                credentials.substring(colon + 1));
    }

    @Override
    public String toString() {
        return "BasicCredentials[user=" + user + "]";
    }
}
