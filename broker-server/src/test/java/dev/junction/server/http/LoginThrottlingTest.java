package dev.junction.server.http;

import com.rabbitmq.client.ConnectionFactory;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.net.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Failed logins are answered no faster than one per {@code auth.failed_login_delay_max} once a user or an address
 * keeps failing: in parallel as one after another, spread over addresses, over every protocol, and whatever valid
 * logins of other accounts come in between.
 */
class LoginThrottlingTest {
    private static final long MAX_DELAY_MILLIS = 300;
    /** 0, 250, then 300 ms apart: the last of 12 refusals is due 3.25 s after the first. */
    private static final int GUESSES = 12;
    private static final long LAST_DUE_MILLIS = 250 + (GUESSES - 2) * MAX_DELAY_MILLIS;

    @RegisterExtension
    final ManagementFixture broker = new ManagementFixture(config -> config
            .with(ConfigKeys.AUTH_FAILED_LOGIN_DELAY_MAX, (int) MAX_DELAY_MILLIS));

    /** Sends a request as {@code user} from {@code source}; completes with the answer once the broker closed. */
    private CompletableFuture<String> wrongLogin(String user, InetAddress source) {
        return CompletableFuture.supplyAsync(() -> {
            try (RawHttp socket = new RawHttp(broker.port(Protocol.HTTP), source)) {
                return socket.send("GET /api/overview HTTP/1.1\r\nHost: x\r\nAuthorization: "
                        + RawHttp.basic(user, "wrong") + "\r\nConnection: close\r\n\r\n").untilClosed();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private long millisToRefuseAll(List<CompletableFuture<String>> guesses, long start) {
        for (CompletableFuture<String> guess : guesses) {
            String answer = guess.join();
            assertTrue(answer.startsWith("HTTP/1.1 401 "), answer);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void parallelGuessesOfOneUserFromManyAddressesAreAnsweredAtTheDocumentedRate() throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<String>> guesses = new ArrayList<>();
        for (int i = 0; i < GUESSES; i++) {
            guesses.add(wrongLogin("guest", InetAddress.getByName("127.0.0." + (2 + i))));
        }
        long took = millisToRefuseAll(guesses, start);
        assertTrue(took >= LAST_DUE_MILLIS - 100, "refused " + GUESSES + " guesses in " + took + " ms");
    }

    @Test
    void parallelGuessesOfManyUsersFromOneAddressAreAnsweredAtTheDocumentedRate() {
        long start = System.nanoTime();
        List<CompletableFuture<String>> guesses = new ArrayList<>();
        for (int i = 0; i < GUESSES; i++) {
            guesses.add(wrongLogin("user" + i, InetAddress.getLoopbackAddress()));
        }
        long took = millisToRefuseAll(guesses, start);
        assertTrue(took >= LAST_DUE_MILLIS - 100, "refused " + GUESSES + " guesses in " + took + " ms");
    }

    @Test
    void aValidLoginOfAnotherAccountResetsNeitherTheUserNorTheAddress() throws Exception {
        assertEquals(201, broker.send("PUT", "/api/users/mine",
                "{\"password\":\"mine\",\"tags\":\"monitoring\"}").statusCode());
        InetAddress attacker = InetAddress.getByName("127.0.0.9");
        for (int i = 0; i < 3; i++) {
            millisToRefuseAll(List.of(wrongLogin("guest", attacker)), System.nanoTime());
        }
        try (RawHttp mine = new RawHttp(broker.port(Protocol.HTTP), attacker)) {
            String answer = mine.send("GET /api/overview HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + RawHttp.basic("mine", "mine") + "\r\nConnection: close\r\n\r\n").untilClosed();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
        long start = System.nanoTime();
        long took = millisToRefuseAll(List.of(wrongLogin("guest", attacker)), start);
        assertTrue(took >= MAX_DELAY_MILLIS - 50, "the guess after a valid login was refused in " + took + " ms");
    }

    @Test
    void amqpFailuresCountForTheSameUserOverHttp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(broker.port(Protocol.AMQP));
        factory.setPassword("wrong");
        factory.setConnectionTimeout(20_000);
        for (int i = 0; i < 2; i++) {
            assertThrows(Exception.class, () -> factory.newConnection().close());
        }
        long start = System.nanoTime();
        long took = millisToRefuseAll(List.of(wrongLogin("guest", InetAddress.getByName("127.0.0.7"))), start);
        assertTrue(took >= MAX_DELAY_MILLIS - 50, "a third guess over HTTP was refused in " + took + " ms");
    }

    @Test
    void aRightPasswordAmongParallelGuessesIsNotAnsweredBeforeTheirRefusals() throws Exception {
        InetAddress guesser = InetAddress.getByName("127.0.0.20");
        List<CompletableFuture<String>> guesses = new ArrayList<>();
        List<CompletableFuture<Long>> refusedAt = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            CompletableFuture<String> guess = wrongLogin("guest", guesser);
            guesses.add(guess);
            refusedAt.add(guess.thenApply(answer -> System.nanoTime()));
        }
        // The second refusal is spaced 250 ms after the first: by then every guess sent has been counted.
        await().atMost(20, TimeUnit.SECONDS).until(() ->
                refusedAt.stream().filter(CompletableFuture::isDone).count() >= 2);
        long rightAnswered;
        try (RawHttp right = new RawHttp(broker.port(Protocol.HTTP), guesser)) {
            String answer = right.send("GET /api/overview HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + RawHttp.GUEST + "\r\nConnection: close\r\n\r\n").untilClosed();
            rightAnswered = System.nanoTime();
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
        long lastRefusal = refusedAt.stream().mapToLong(CompletableFuture::join).max().orElseThrow();
        assertTrue(rightAnswered >= lastRefusal - TimeUnit.MILLISECONDS.toNanos(100), "the right password was "
                + "answered " + TimeUnit.NANOSECONDS.toMillis(lastRefusal - rightAnswered) + " ms before the last refusal");
    }
}
