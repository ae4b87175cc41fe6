package dev.junction.server.auth;

import dev.junction.core.store.Definition.UserDefinition;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Logins over every protocol, checked against the {@link UserRegistry}. A password is verified on a small
 * bounded pool (PBKDF2 is slow on purpose and must never hold up an event loop), unless it was verified recently
 * against the same stored hash; the answer is handed to the connection's event loop. A refusal is handed over
 * when {@link FailedLogins} says it is due for the user and the source address, and an acceptance from an address
 * with refusals still due after them, each scheduled on that event loop, so no thread waits.
 * The user {@code guest} is accepted from loopback addresses only, as in RabbitMQ. A password still stored in an
 * older form is stored anew, in the current one, at its first successful login, on the same pool.
 */
public final class Logins implements AutoCloseable {
    private static final int VERIFIER_THREADS = 2;
    private static final int WAITING_VERIFICATIONS = 1024;
    private static final int REMEMBERED_PASSWORDS = 10_000;

    private final UserRegistry registry;
    private final VerifiedPasswords verified = new VerifiedPasswords(REMEMBERED_PASSWORDS);
    private final FailedLogins failures;
    private final boolean scram;
    private final byte[] scramDecoyKey = new byte[32];
    private final ThreadPoolExecutor verifier = new ThreadPoolExecutor(VERIFIER_THREADS, VERIFIER_THREADS, 0,
            TimeUnit.SECONDS, new ArrayBlockingQueue<>(WAITING_VERIFICATIONS),
            new DefaultThreadFactory("junction-password-verifier", true));

    /** With SCRAM-SHA-256 allowed. */
    public Logins(UserRegistry registry, Duration failedLoginDelayMax) {
        this(registry, failedLoginDelayMax, true);
    }

    /**
     * @param failedLoginDelayMax the longest a refusal is held back; zero answers every refusal at once
     * @param scram               whether SCRAM-SHA-256 logins are allowed ({@code auth.scram})
     */
    public Logins(UserRegistry registry, Duration failedLoginDelayMax, boolean scram) {
        this.registry = registry;
        this.scram = scram;
        this.failures = new FailedLogins(failedLoginDelayMax, System::nanoTime);
        new SecureRandom().nextBytes(scramDecoyKey);
    }

    public UserRegistry registry() {
        return registry;
    }

    /**
     * Checks a user name and password; the future completes on {@code loop}.
     *
     * @param from the client's address; null where there is no network peer (embedded channels)
     */
    public CompletableFuture<Login> password(String user, String password, InetAddress from,
                                             ScheduledExecutorService loop) {
        UserDefinition known = registry.user(user).orElse(null);
        if (known == null) {
            return refuse(Login.badCredentials(user, "no user '" + user + "'"), from, loop);
        }
        if (verified.contains(user, known.passwordHash(), password)) {
            return conclude(fromAllowedAddress(known.name(), from), from, loop);
        }
        CompletableFuture<Login> answer = new CompletableFuture<>();
        try {
            verifier.execute(() -> conclude(verify(known, password, from), from, loop, answer));
        } catch (RejectedExecutionException e) {
            loop.execute(() -> answer.complete(Login.notAuthorised(user,
                    "more than " + WAITING_VERIFICATIONS + " logins are waiting for their password to be checked")));
        }
        return answer;
    }

    /** A new stored hash of {@code password}, derived on the verifier pool rather than the caller's thread. */
    public CompletableFuture<String> hash(String password) {
        return CompletableFuture.supplyAsync(() -> registry.hash(password), verifier);
    }

    /**
     * A new SCRAM-SHA-256 exchange against the stored SCRAM keys, which {@link #scram} concludes; empty when
     * the configuration does not allow SCRAM.
     */
    public Optional<ScramSha256> startScram() {
        return scram ? Optional.of(new ScramSha256(registry, scramDecoyKey)) : Optional.empty();
    }

    /**
     * Checks the client-final-message of a SCRAM exchange; answered on {@code loop} like a password, a refusal
     * delayed and counted for the user and the address. The proof costs no PBKDF2, so it is checked right here.
     */
    public CompletableFuture<Login> scram(ScramSha256 exchange, String clientFinalMessage, InetAddress from,
                                          ScheduledExecutorService loop) {
        Login login = exchange.verify(clientFinalMessage);
        return conclude(login.accepted() ? fromAllowedAddress(login.user(), from) : login, from, loop);
    }

    /** A login as the CN of a verified TLS client certificate, which stands in for the password. */
    public CompletableFuture<Login> certificate(String user, InetAddress from, ScheduledExecutorService loop) {
        Login login = registry.user(user).map(known -> fromAllowedAddress(known.name(), from))
                .orElseGet(() -> Login.notAuthorised(user, "client certificate CN '" + user
                        + "' is not a known user"));
        return conclude(login, from, loop);
    }

    /** A refusal a protocol decides on itself (an anonymous client, a user without access), delayed as any. */
    public CompletableFuture<Login> refuse(Login refusal, InetAddress from, ScheduledExecutorService loop) {
        return conclude(refusal, from, loop);
    }

    private Login verify(UserDefinition user, String password, InetAddress from) {
        PasswordHash stored;
        try {
            stored = PasswordHash.parse(user.passwordHash());
        } catch (IllegalArgumentException e) {
            return Login.badCredentials(user.name(), "the stored password hash is unusable: " + e.getMessage());
        }
        if (!stored.matches(password)) {
            return Login.badCredentials(user.name(), "invalid credentials for user '" + user.name() + "'");
        }
        if (stored instanceof StoredScramKeys) {
            verified.remember(user.name(), user.passwordHash(), password);
        } else {
            // Not remembered in the old form: the next login then tries the upgrade again.
            registry.upgradePassword(user, password)
                    .ifPresent(upgraded -> verified.remember(user.name(), upgraded, password));
        }
        return fromAllowedAddress(user.name(), from);
    }

    private static Login fromAllowedAddress(String user, InetAddress from) {
        if (user.equals(UserRegistry.GUEST) && from != null && !from.isLoopbackAddress()) {
            return Login.notAuthorised(user, "user 'guest' can only connect via localhost");
        }
        return Login.accepted(user);
    }

    private CompletableFuture<Login> conclude(Login login, InetAddress from, ScheduledExecutorService loop) {
        return conclude(login, from, loop, new CompletableFuture<>());
    }

    private CompletableFuture<Login> conclude(Login login, InetAddress from, ScheduledExecutorService loop,
                                              CompletableFuture<Login> answer) {
        try {
            if (login.accepted()) {
                long held = failures.succeededMillis(login.user(), from);
                if (held == 0) {
                    loop.execute(() -> answer.complete(login));
                } else {
                    loop.schedule(() -> answer.complete(login), held, TimeUnit.MILLISECONDS);
                }
            } else {
                loop.schedule(() -> answer.complete(login), failures.failedMillis(login.user(), from),
                        TimeUnit.MILLISECONDS);
            }
        } catch (RejectedExecutionException e) {
            // The connection's event loop is shutting down with the broker: nobody waits for this answer.
        }
        return answer;
    }

    @Override
    public void close() {
        verifier.shutdownNow();
    }
}
