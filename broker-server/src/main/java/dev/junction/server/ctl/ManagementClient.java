package dev.junction.server.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.Base64;

/** The management API as the CLI uses it; every failure becomes a {@link CtlException} that says what went wrong. */
final class ManagementClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String baseUrl;
    private final String user;
    private final String authorization;
    private final HttpClient http;

    /** @param caCertificates PEM file of the CAs an https URL's certificate must chain to; null: the JDK's */
    ManagementClient(String url, String user, String password, Path caCertificates) {
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(TIMEOUT);
        if (caCertificates != null) {
            http.sslContext(TrustedCertificates.sslContext(caCertificates));
        }
        this.http = http.build();
        this.user = user;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** One path segment, with {@code /} (as in vhost {@code /}) and spaces percent-encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode get(String path) {
        return parse(path, send("GET", path, null));
    }

    String getText(String path) {
        return send("GET", path, null);
    }

    void delete(String path) {
        send("DELETE", path, null);
    }

    void post(String path, String body) {
        send("POST", path, body);
    }

    void put(String path, JsonNode body) {
        try {
            send("PUT", path, JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e);
        }
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** A user's permissions in a vhost, {@code /api/permissions/VHOST/USER}. */
    static String permissionPath(String vhost, String user) {
        return "/api/permissions/" + segment(vhost) + "/" + segment(user);
    }

    /** A policy, {@code /api/policies/VHOST/NAME}. */
    static String policyPath(String vhost, String name) {
        return "/api/policies/" + segment(vhost) + "/" + segment(name);
    }

    /** A JSON object the user typed as argument {@code label}; bad usage if it is not one. */
    static JsonNode parseObject(String label, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.isObject()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, label + " is not JSON: " + e.getOriginalMessage());
        }
        throw new CtlException(JunctionCtl.EXIT_USAGE, label + " must be a JSON object");
    }

    /** A user's path, {@code /api/users/NAME}. */
    static String userPath(String name) {
        return "/api/users/" + segment(name);
    }

    private String send(String method, String path, String body) {
        HttpResponse<String> response = exchange(method, path, body, HttpResponse.BodyHandlers.ofString(), true);
        return checked(method, path, response.statusCode(), response.body());
    }

    /**
     * A streaming GET ({@code /api/tail}): each line of the body as it arrives, without a time limit; the caller
     * closes the stream to end the request.
     */
    Stream<String> lines(String path) {
        HttpResponse<Stream<String>> response = exchange("GET", path, null, HttpResponse.BodyHandlers.ofLines(),
                false);
        if (response.statusCode() / 100 != 2) {
            try (Stream<String> body = response.body()) {
                checked("GET", path, response.statusCode(), body.collect(Collectors.joining("\n")));
            }
        }
        return response.body();
    }

    private <T> HttpResponse<T> exchange(String method, String path, String body,
                                         HttpResponse.BodyHandler<T> handler, boolean timeout) {
        URI uri;
        try {
            uri = URI.create(baseUrl + path);
        } catch (IllegalArgumentException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "invalid --url '" + baseUrl + "': " + e.getMessage());
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .header("Authorization", authorization)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (timeout) {
            request.timeout(TIMEOUT);
        }
        try {
            return http.send(request.build(), handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw unreachable("connection refused or timed out");
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + TIMEOUT.toSeconds() + " s");
        } catch (SSLHandshakeException e) {
            throw unreachable("TLS handshake failed: " + e.getMessage() + " (give the CA that signed the broker's"
                    + " certificate with --cacert)");
        } catch (IOException e) {
            throw unreachable(String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CtlException(JunctionCtl.EXIT_FAILURE, "interrupted");
        } catch (IllegalArgumentException e) {
            throw new CtlException(JunctionCtl.EXIT_USAGE, "invalid --url '" + baseUrl + "': " + e.getMessage());
        }
    }

    private String checked(String method, String path, int status, String responseBody) {
        if (status / 100 == 2) {
            return responseBody;
        }
        String reason = reason(responseBody);
        throw switch (status) {
            case 401 -> new CtlException(JunctionCtl.EXIT_UNAUTHORIZED,
                    "login refused for user '" + user + "' (401): check --user and the password");
            case 404 -> new CtlException(JunctionCtl.EXIT_NOT_FOUND, "not found (404): " + reason);
            default -> new CtlException(JunctionCtl.EXIT_FAILURE,
                    method + " " + path + " failed (" + status + "): " + reason);
        };
    }

    private CtlException unreachable(String why) {
        return new CtlException(JunctionCtl.EXIT_UNREACHABLE,
                "cannot reach the management API at " + baseUrl + ": " + why);
    }

    /** The {@code reason} of the API's error body, or the body itself if it is not one. */
    private static String reason(String body) {
        try {
            JsonNode error = JSON.readTree(body);
            if (error != null && error.hasNonNull("reason")) {
                return error.get("reason").asText();
            }
        } catch (JsonProcessingException e) {
            // Not JSON (a proxy's page, say): show it as it came.
        }
        return body.isBlank() ? "no details" : body.strip();
    }

    private static JsonNode parse(String path, String body) {
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new CtlException(JunctionCtl.EXIT_FAILURE, "GET " + path + " answered with invalid JSON: "
                    + e.getOriginalMessage());
        }
    }
}
