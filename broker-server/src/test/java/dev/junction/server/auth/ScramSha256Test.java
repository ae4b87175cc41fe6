package dev.junction.server.auth;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ClientFirstMessage;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.exception.ScramException;
import dev.junction.core.Broker;
import dev.junction.core.store.Definition.UserDefinition;
import dev.junction.server.CapturedLog;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SCRAM-SHA-256 against the stored keys, never against a stored string alone or a password in the old form, and its
 * failures counted as any failed login.
 */
class ScramSha256Test {
    private final Broker core = new Broker(1);
    private final UserRegistry registry = UserRegistry.open(core, Map.of("alice", "wonderland", "a,b=c", "odd"),
            TestLogins.ITERATIONS);
    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        core.close();
    }

    private static ScramClient client(String user, String password) {
        return ScramClient.builder().advertisedMechanisms(List.of(ScramSha256.MECHANISM)).username(user)
                .password(password.toCharArray()).build();
    }

    @Test
    void theStoredFormIsNotAScramCredential() throws Exception {
        String stored = registry.user("alice").orElseThrow().passwordHash();
        try (Logins logins = new Logins(registry, Duration.ZERO)) {
            for (ScramClient attacker : StoredStringAttacks.clients("alice", stored)) {
                Login login = exchange(logins.startScram().orElseThrow(), attacker);
                assertEquals(Login.Outcome.BAD_CREDENTIALS, login.outcome(), "logged in with what " + stored
                        + " gives away");
            }
            assertTrue(exchange(logins.startScram().orElseThrow(), client("alice", "wonderland")).accepted());
        }
    }

    @Test
    void aPasswordInTheOldFormFailsScramUntilItsFirstPasswordLoginStoresItAnew() throws Exception {
        String legacy = LegacyHashes.pbkdf2("lewis", TestLogins.ITERATIONS);
        registry.putUser(new UserDefinition("carol", legacy, Set.of(UserRegistry.MANAGEMENT)));
        try (Logins logins = new Logins(registry, Duration.ZERO);
             CapturedLog log = CapturedLog.of(UserRegistry.class)) {
            Login refused = exchange(logins.startScram().orElseThrow(), client("carol", "lewis"));
            assertEquals(Login.Outcome.BAD_CREDENTIALS, refused.outcome());
            assertTrue(refused.detail().contains("must log in once with its password (which stores it anew) or have"
                    + " its password set again"), refused.detail());
            // The old hash is SaltedPassword itself: keys are never derived from it.
            for (ScramClient attacker : StoredStringAttacks.clients("carol", legacy)) {
                assertEquals(Login.Outcome.BAD_CREDENTIALS,
                        exchange(logins.startScram().orElseThrow(), attacker).outcome());
            }

            assertTrue(logins.password("carol", "lewis", null, loop).get(10, TimeUnit.SECONDS).accepted());
            UserDefinition upgraded = registry.user("carol").orElseThrow();
            assertTrue(upgraded.passwordHash().startsWith("scram-sha-256$" + TestLogins.ITERATIONS + "$"),
                    upgraded.passwordHash());
            assertEquals(Set.of(UserRegistry.MANAGEMENT), upgraded.tags());
            assertTrue(log.awaitLine("user 'carol'").startsWith("INFO Stored the password of user 'carol' anew as"
                    + " scram-sha-256"));

            ScramClient scram = client("carol", "lewis");
            ScramSha256 server = logins.startScram().orElseThrow();
            assertTrue(exchange(server, scram).accepted());
            scram.serverFinalMessage(server.serverFinal());
            assertTrue(logins.password("carol", "lewis", null, loop).get(10, TimeUnit.SECONDS).accepted());
            assertFalse(logins.password("carol", "lewis!", null, loop).get(10, TimeUnit.SECONDS).accepted());
            assertEquals(1, log.lines().size(), "logged once: " + log.lines());
            assertEquals(upgraded, registry.user("carol").orElseThrow());
        }
    }

    private static Login exchange(ScramSha256 server, ScramClient client) throws ScramException {
        client.serverFirstMessage(server.serverFirst(client.clientFirstMessage().toString()));
        return server.verify(client.clientFinalMessage().toString());
    }

    @Test
    void theRightPasswordIsAcceptedAndTheServerSignatureVerifies() throws Exception {
        try (Logins logins = new Logins(registry, Duration.ZERO)) {
            ScramSha256 server = logins.startScram().orElseThrow();
            ScramClient client = client("alice", "wonderland");
            assertTrue(exchange(server, client).accepted());
            client.serverFinalMessage(server.serverFinal());
        }
    }

    @Test
    void aUserNameWithSaslsEscapedCharactersLogsIn() throws Exception {
        try (Logins logins = new Logins(registry, Duration.ZERO)) {
            ScramSha256 server = logins.startScram().orElseThrow();
            Login login = exchange(server, client("a,b=c", "odd"));
            assertEquals(Login.accepted("a,b=c"), login);
        }
    }

    @Test
    void anUnknownUserGetsAStableSaltAndTheConfiguredIterationsThenFailsAtTheProof() throws Exception {
        try (Logins logins = new Logins(registry, Duration.ZERO)) {
            ServerFirstMessage first = serverFirst(logins, "nobody");
            ServerFirstMessage again = serverFirst(logins, "nobody");
            ServerFirstMessage other = serverFirst(logins, "nemo");
            assertEquals(first.getSalt(), again.getSalt(), "a name's salt does not change between attempts");
            assertNotEquals(first.getSalt(), other.getSalt());
            assertEquals(TestLogins.ITERATIONS, first.getIterationCount());
            Login login = exchange(logins.startScram().orElseThrow(), client("nobody", "x"));
            assertEquals(Login.Outcome.BAD_CREDENTIALS, login.outcome());
        }
    }

    private static ServerFirstMessage serverFirst(Logins logins, String user) throws ScramException {
        ClientFirstMessage first = client(user, "x").clientFirstMessage();
        return ServerFirstMessage.parseFrom(logins.startScram().orElseThrow().serverFirst(first.toString()),
                first.getClientNonce());
    }

    @Test
    void scramCanBeSwitchedOff() {
        try (Logins logins = new Logins(registry, Duration.ZERO, false)) {
            assertTrue(logins.startScram().isEmpty());
        }
    }

    @Test
    void channelBindingAndAnotherAuthorizationIdentityAreRefused() {
        try (Logins logins = new Logins(registry, Duration.ZERO)) {
            assertThrows(ScramException.class, () -> logins.startScram().orElseThrow().serverFirst("p=tls-unique,,n=alice,r=abc"));
            assertThrows(ScramException.class, () -> logins.startScram().orElseThrow().serverFirst("n,a=bob,n=alice,r=abc"));
        }
    }

    @Test
    void wrongProofsAreDelayedLikeWrongPasswords() throws Exception {
        try (Logins logins = new Logins(registry, Duration.ofSeconds(2))) {
            // A first failure is answered at once, the next one FailedLogins.FIRST_DELAY later: the same count.
            ScramClient first = client("alice", "guess1");
            ScramSha256 server = logins.startScram().orElseThrow();
            first.serverFirstMessage(server.serverFirst(first.clientFirstMessage().toString()));
            assertFalse(logins.scram(server, first.clientFinalMessage().toString(), null, loop)
                    .get(10, TimeUnit.SECONDS).accepted());
            Login failed = logins.password("alice", "guess2", null, loop).get(10, TimeUnit.SECONDS);
            assertFalse(failed.accepted());
            ScramClient third = client("alice", "guess3");
            ScramSha256 again = logins.startScram().orElseThrow();
            third.serverFirstMessage(again.serverFirst(third.clientFirstMessage().toString()));
            long start = System.nanoTime();
            assertFalse(logins.scram(again, third.clientFinalMessage().toString(), null, loop)
                    .get(10, TimeUnit.SECONDS).accepted());
            assertTrue(System.nanoTime() - start >= FailedLogins.FIRST_DELAY.toNanos(),
                    "the third failure of the user is held back");
        }
    }
}
