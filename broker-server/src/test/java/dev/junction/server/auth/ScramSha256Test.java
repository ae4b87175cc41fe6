package dev.junction.server.auth;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.ClientFirstMessage;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.StringPreparation;
import com.ongres.scram.common.exception.ScramException;
import dev.junction.core.Broker;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SCRAM-SHA-256 against the stored PBKDF2 hashes, and its failures counted as any failed login. */
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

    @Test
    void aStoredHashIsScramsSaltedPassword() {
        PasswordHash stored = PasswordHash.parse(PasswordHash.create("wonderland", 4096));
        byte[] salted = ScramFunctions.saltedPassword(ScramMechanism.SCRAM_SHA_256,
                StringPreparation.SASL_PREPARATION, "wonderland".toCharArray(), stored.salt(), stored.iterations());
        assertArrayEquals(salted, stored.hash());
    }

    private static ScramClient client(String user, String password) {
        return ScramClient.builder().advertisedMechanisms(List.of(ScramSha256.MECHANISM)).username(user)
                .password(password.toCharArray()).build();
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
