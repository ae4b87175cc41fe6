package dev.junction.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.junction.server.JunctionServer;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttSecurityException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user store end to end over real sockets: users made, changed and deleted through the management API log in
 * (or no longer do) over AMQP with the RabbitMQ client and over MQTT with Paho, survive a restart of the log
 * engine, decide what the API allows by their tags, and failed logins are answered later and later.
 */
class UserStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCESS_REFUSED =
            "ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. For details see the broker logfile.";

    @TempDir
    Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private JunctionServer server;

    private void start(int failedLoginDelayMax) throws Exception {
        server = JunctionServer.start(Config.defaults()
                .with(ConfigKeys.BIND, InetAddress.getByName("127.0.0.1"))
                .with(ConfigKeys.DATA_DIR, dataDir)
                .with(ConfigKeys.STORAGE_ENGINE, "log")
                .with(ConfigKeys.AUTH_HASH_ITERATIONS, TestLogins.ITERATIONS)
                .with(ConfigKeys.AUTH_FAILED_LOGIN_DELAY_MAX, failedLoginDelayMax)
                .with(ConfigKeys.MQTT_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.AMQP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.HTTP_PORT, ListenPort.EPHEMERAL)
                .with(ConfigKeys.MQTT_WS_PORT, ListenPort.DISABLED)
                .with(ConfigKeys.SHUTDOWN_TIMEOUT, 5));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception ignored) {
                // Already closed by the broker.
            }
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- clients ----

    private HttpResponse<String> send(String method, String path, String body, String user, String password)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.port(Protocol.HTTP) + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode user(String name) throws Exception {
        return JSON.readTree(asGuest("GET", "/api/users/" + name, null).body());
    }

    private HttpResponse<String> asGuest(String method, String path, String body) throws Exception {
        return send(method, path, body, "guest", "guest");
    }

    private void expect(int status, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
    }

    private Connection amqp(String user, String password) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(server.port(Protocol.AMQP));
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setConnectionTimeout(10_000);
        Connection connection = factory.newConnection();
        clients.add(connection);
        return connection;
    }

    private void amqpRefused(String user, String password) {
        AuthenticationFailureException refused = assertThrows(AuthenticationFailureException.class,
                () -> amqp(user, password));
        assertEquals(ACCESS_REFUSED, refused.getMessage());
    }

    private void mqtt(String user, String password) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + server.port(Protocol.MQTT), "c-" + user,
                new MemoryPersistence());
        clients.add(client::close);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setConnectionTimeout(10);
        client.connect(options);
        client.disconnect();
    }

    private int mqttRefused(String user, String password) {
        MqttException refused = assertThrows(MqttException.class, () -> mqtt(user, password));
        assertTrue(refused instanceof MqttSecurityException || refused.getReasonCode() == 5, refused.toString());
        return refused.getReasonCode();
    }

    private static long millisOf(Runnable login) {
        long start = System.nanoTime();
        login.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    // ---- tests ----

    @Test
    void createdChangedAndDeletedUsersLogInOverAmqpAndMqtt() throws Exception {
        start(0);
        expect(201, asGuest("PUT", "/api/users/alice", "{\"password\": \"first\", \"tags\": \"\"}"));
        expect(201, asGuest("PUT", "/api/permissions/%2F/alice",
                "{\"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}"));
        amqp("alice", "first").close();
        mqtt("alice", "first");

        expect(204, asGuest("PUT", "/api/users/alice", "{\"password\": \"second\"}"));
        assertTrue(user("alice").get("password_hash").asText().startsWith("scram-sha-256$1000$"));
        amqpRefused("alice", "first");
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, mqttRefused("alice", "first"));
        amqp("alice", "second").close();
        mqtt("alice", "second");

        expect(204, asGuest("DELETE", "/api/users/alice", null));
        amqpRefused("alice", "second");
        assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, mqttRefused("alice", "second"));
        expect(404, asGuest("GET", "/api/permissions/%2F/alice", null));
        expect(404, asGuest("DELETE", "/api/users/alice", null));
    }

    @Test
    void permissionsSetThroughTheApiAreEnforcedOverAmqpAlsoOnAnOpenConnection() throws Exception {
        start(0);
        expect(201, asGuest("PUT", "/api/users/carol", "{\"password\": \"pw\", \"tags\": \"\"}"));
        IOException noVhost = assertThrows(IOException.class, () -> amqp("carol", "pw"));
        assertTrue(String.valueOf(noVhost.getCause()).contains(
                "NOT_ALLOWED - access to vhost '/' refused for user 'carol'"), String.valueOf(noVhost.getCause()));

        expect(201, asGuest("PUT", "/api/permissions/%2F/carol",
                "{\"configure\": \"^carol\\\\.\", \"write\": \"^carol\\\\.\", \"read\": \"^carol\\\\.\"}"));
        Connection carol = amqp("carol", "pw");
        Channel channel = carol.createChannel();
        channel.queueDeclare("carol.inbox", false, false, true, null);
        IOException refused = assertThrows(IOException.class,
                () -> channel.queueDeclare("dave.inbox", false, false, true, null));
        assertTrue(String.valueOf(refused.getCause()).contains("ACCESS_REFUSED - configure access to queue "
                + "'dave.inbox' in vhost '/' refused for user 'carol'"), String.valueOf(refused.getCause()));

        // Widened while the connection is open: its next channel may, without reconnecting.
        expect(204, asGuest("PUT", "/api/permissions/%2F/carol",
                "{\"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Channel widened = carol.createChannel();
            widened.queueDeclare("dave.inbox", false, false, true, null);
            widened.close();
        });
    }

    @Test
    void anMqttUserWithoutPermissionOnTheMqttVhostIsNotAuthorised() throws Exception {
        start(0);
        expect(201, asGuest("PUT", "/api/vhosts/other", null));
        expect(201, asGuest("PUT", "/api/users/bob", "{\"password\": \"pw\", \"tags\": []}"));
        expect(201, asGuest("PUT", "/api/permissions/other/bob",
                "{\"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}"));
        assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, mqttRefused("bob", "pw"));
        expect(201, asGuest("PUT", "/api/permissions/%2F/bob",
                "{\"configure\": \"\", \"write\": \"\", \"read\": \"\"}"));
        mqtt("bob", "pw");
    }

    @Test
    void eachFailedLoginFromAnAddressIsRefusedLaterAndASuccessDoesNotResetTheAddress() throws Exception {
        start(1000);
        long first = millisOf(() -> amqpRefused("guest", "wrong"));
        long second = millisOf(() -> amqpRefused("guest", "wrong"));
        long[] third = new long[1];
        third[0] = millisOf(() -> assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION,
                mqttRefused("guest", "wrong")));
        long fourth = millisOf(() -> amqpRefused("nobody", "wrong"));
        long fifth = millisOf(() -> amqpRefused("guest", "wrong"));
        assertTrue(first < 1000, "first refusal took " + first + " ms");
        assertTrue(second >= 250, "second refusal took " + second + " ms");
        assertTrue(third[0] >= 500, "third refusal (MQTT) took " + third[0] + " ms");
        assertTrue(fourth >= 1000, "fourth refusal took " + fourth + " ms");
        assertTrue(fifth >= 1000 && fifth < 5000, "capped refusal took " + fifth + " ms");

        // A success resets its own user's count only: the address keeps guessing at the capped rate.
        amqp("guest", "guest").close();
        long afterSuccess = millisOf(() -> amqpRefused("guest", "wrong"));
        assertTrue(afterSuccess >= 1000, "the address started over: the refusal took " + afterSuccess + " ms");
    }

    @Test
    void usersAndPermissionsSurviveARestart() throws Exception {
        start(0);
        expect(201, asGuest("PUT", "/api/users/alice", "{\"password\": \"pw\", \"tags\": \"monitoring,ops\"}"));
        expect(201, asGuest("PUT", "/api/permissions/%2F/alice",
                "{\"configure\": \"^a\", \"write\": \"^b\", \"read\": \"^c\"}"));
        expect(204, asGuest("DELETE", "/api/permissions/%2F/guest", null));
        server.close();
        server = null;

        start(0);
        amqp("alice", "pw").close();
        JsonNode alice = JSON.readTree(asGuest("GET", "/api/users/alice", null).body());
        assertEquals("[\"monitoring\",\"ops\"]", alice.get("tags").toString());
        assertEquals("{\"user\":\"alice\",\"vhost\":\"/\",\"configure\":\"^a\",\"write\":\"^b\",\"read\":\"^c\"}",
                asGuest("GET", "/api/permissions/%2F/alice", null).body());
        // The store held users, so the seed from the users setting did not give guest its permissions back.
        expect(404, asGuest("GET", "/api/permissions/%2F/guest", null));
    }

    @Test
    void tagsDecideWhatTheManagementApiAllows() throws Exception {
        start(0);
        expect(201, asGuest("PUT", "/api/vhosts/other", null));
        for (String[] user : new String[][]{{"mon", "monitoring"}, {"mgmt", "management"}, {"plain", ""}}) {
            expect(201, asGuest("PUT", "/api/users/" + user[0],
                    "{\"password\": \"pw\", \"tags\": \"" + user[1] + "\"}"));
        }
        expect(201, asGuest("PUT", "/api/permissions/%2F/mgmt",
                "{\"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}"));

        expect(200, send("GET", "/api/queues", null, "mon", "pw"));
        HttpResponse<String> put = send("PUT", "/api/queues/%2F/q", "{}", "mon", "pw");
        expect(401, put);
        assertEquals("{\"error\":\"not_authorized\",\"reason\":\"Not administrator user\"}", put.body());
        expect(401, send("GET", "/api/users", null, "mon", "pw"));
        assertEquals("{\"name\":\"mon\",\"tags\":[\"monitoring\"]}", send("GET", "/api/whoami", null, "mon", "pw")
                .body());

        HttpResponse<String> plain = send("GET", "/api/overview", null, "plain", "pw");
        expect(401, plain);
        assertEquals("{\"error\":\"not_authorized\",\"reason\":\"Not management user\"}", plain.body());

        JsonNode vhosts = JSON.readTree(send("GET", "/api/vhosts", null, "mgmt", "pw").body());
        assertEquals(1, vhosts.size(), vhosts.toString());
        assertEquals("/", vhosts.get(0).get("name").asText());
        expect(401, send("GET", "/api/queues/other", null, "mgmt", "pw"));
        expect(200, send("GET", "/api/queues/%2F", null, "mgmt", "pw"));
        expect(401, send("DELETE", "/api/users/mon", null, "mgmt", "pw"));
        expect(401, send("GET", "/api/queues", null, "mgmt", "wrong"));
    }

    @Test
    void definitionsCarryUsersAndPermissionsBothWays() throws Exception {
        start(0);
        JsonNode exported = JSON.readTree(asGuest("GET", "/api/definitions", null).body());
        JsonNode guest = exported.get("users").get(0);
        assertEquals("guest", guest.get("name").asText());
        assertEquals("scram-sha-256", guest.get("hashing_algorithm").asText());
        assertTrue(guest.get("password_hash").asText().startsWith("scram-sha-256$1000$"));
        assertEquals("[\"administrator\"]", guest.get("tags").toString());
        assertEquals("{\"user\":\"guest\",\"vhost\":\"/\",\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}",
                exported.get("permissions").get(0).toString());

        String hash = PasswordHash.create("carols", 1000);
        expect(204, asGuest("POST", "/api/definitions", "{\"users\": [{\"name\": \"carol\", \"password_hash\": \""
                + hash + "\", \"hashing_algorithm\": \"scram-sha-256\", \"tags\": \"management\"}], "
                + "\"permissions\": [{\"user\": \"carol\", \"vhost\": \"/\", \"configure\": \".*\", "
                + "\"write\": \".*\", \"read\": \".*\"}]}"));
        amqp("carol", "carols").close();
        mqtt("carol", "carols");
        expect(200, send("GET", "/api/whoami", null, "carol", "carols"));

        // Exports of older versions hold the old form: it imports, logs in over each protocol, and is stored
        // anew at the first login (dora's over HTTP, ed's over AMQP).
        expect(204, asGuest("POST", "/api/definitions", "{\"users\": [{\"name\": \"dora\", \"password_hash\": \""
                + LegacyHashes.pbkdf2("doras", 1000) + "\", \"hashing_algorithm\": \"pbkdf2-sha256\", \"tags\": "
                + "\"management\"}, {\"name\": \"ed\", \"password_hash\": \"" + LegacyHashes.pbkdf2("eds", 1000)
                + "\"}], \"permissions\": [{\"user\": \"dora\", \"vhost\": \"/\", \"configure\": \".*\", "
                + "\"write\": \".*\", \"read\": \".*\"}, {\"user\": \"ed\", \"vhost\": \"/\", \"configure\": "
                + "\".*\", \"write\": \".*\", \"read\": \".*\"}]}"));
        assertEquals("pbkdf2-sha256", user("dora").get("hashing_algorithm").asText());
        expect(200, send("GET", "/api/whoami", null, "dora", "doras"));
        amqp("ed", "eds").close();
        for (String name : List.of("dora", "ed")) {
            assertEquals("scram-sha-256", user(name).get("hashing_algorithm").asText());
            assertTrue(user(name).get("password_hash").asText().startsWith("scram-sha-256$1000$"));
        }
        amqp("dora", "doras").close();
        mqtt("dora", "doras");
        mqtt("ed", "eds");
        expect(200, send("GET", "/api/whoami", null, "dora", "doras"));
        expect(401, send("GET", "/api/whoami", null, "dora", "doras!"));

        // What is exported imports again as it is.
        String again = asGuest("GET", "/api/definitions", null).body();
        expect(204, asGuest("POST", "/api/definitions", again));
        assertEquals(JSON.readTree(again).get("users"), JSON.readTree(asGuest("GET", "/api/definitions", null)
                .body()).get("users"));

        HttpResponse<String> mislabelled = asGuest("POST", "/api/definitions", "{\"users\": [{\"name\": \"fay\", "
                + "\"password_hash\": \"" + hash + "\", \"hashing_algorithm\": \"pbkdf2-sha256\"}]}");
        expect(400, mislabelled);
        assertTrue(mislabelled.body().contains("hashing_algorithm 'pbkdf2-sha256' does not match the password_hash,"
                + " which is scram-sha-256"), mislabelled.body());

        HttpResponse<String> rabbitHash = asGuest("POST", "/api/definitions", "{\"users\": [{\"name\": \"dave\", "
                + "\"password_hash\": \"abc\", \"hashing_algorithm\": \"rabbit_password_hashing_sha256\"}]}");
        expect(400, rabbitHash);
        assertTrue(rabbitHash.body().contains("hashing_algorithm 'rabbit_password_hashing_sha256' is not supported"),
                rabbitHash.body());
        expect(404, asGuest("GET", "/api/users/dave", null));
    }

    @Test
    void badUserAndPermissionRequestsGetClearErrors() throws Exception {
        start(0);
        HttpResponse<String> noPassword = asGuest("PUT", "/api/users/eve", "{\"tags\": \"\"}");
        expect(400, noPassword);
        assertTrue(noPassword.body().contains("a new user needs 'password' or 'password_hash'"), noPassword.body());
        HttpResponse<String> badHash = asGuest("PUT", "/api/users/eve", "{\"password_hash\": \"plain\"}");
        expect(400, badHash);
        assertTrue(badHash.body().contains("a password hash must read"), badHash.body());
        expect(400, asGuest("PUT", "/api/users/eve", "{\"password\": \"\"}"));
        expect(400, asGuest("PUT", "/api/users/eve", "{\"password\": \"pw\", \"tags\": 7}"));

        HttpResponse<String> noUser = asGuest("PUT", "/api/permissions/%2F/nobody",
                "{\"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}");
        expect(400, noUser);
        assertTrue(noUser.body().contains("no user 'nobody'"), noUser.body());
        HttpResponse<String> badRegex = asGuest("PUT", "/api/permissions/%2F/guest",
                "{\"configure\": \"(\", \"write\": \".*\", \"read\": \".*\"}");
        expect(400, badRegex);
        assertTrue(badRegex.body().contains("configure permission '(' is not a valid regular expression"),
                badRegex.body());
        expect(400, asGuest("PUT", "/api/permissions/nowhere/guest",
                "{\"configure\": \".*\", \"write\": \".*\", \"read\": \".*\"}"));
        HttpResponse<String> missing = asGuest("PUT", "/api/permissions/%2F/guest", "{\"configure\": \".*\"}");
        expect(400, missing);
        assertTrue(missing.body().contains("'write' is required"), missing.body());

        JsonNode mine = JSON.readTree(asGuest("GET", "/api/users/guest/permissions", null).body());
        assertEquals(1, mine.size());
        JsonNode root = JSON.readTree(asGuest("GET", "/api/vhosts/%2F/permissions", null).body());
        assertEquals("guest", root.get(0).get("user").asText());
        assertFalse(asGuest("GET", "/api/users", null).body().contains("\"password\""));
    }
}
