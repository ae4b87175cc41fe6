package dev.junction.server.auth;

import com.ongres.scram.common.ClientFirstMessage;
import com.ongres.scram.common.Gs2CbindFlag;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.ServerFinalMessage;
import com.ongres.scram.common.ServerFirstMessage;
import com.ongres.scram.common.exception.ScramException;
import com.ongres.scram.common.exception.ScramParseException;
import dev.junction.core.store.Definition.UserDefinition;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * The server side of one SCRAM-SHA-256 conversation (RFC 5802, RFC 7677) against the stored
 * {@link StoredScramKeys}: the proof is checked against StoredKey and signed with ServerKey, which costs two HMACs
 * and a hash rather than a PBKDF2. A password still stored in the old {@link LegacyPbkdf2Hash} form never serves
 * SCRAM (keys derived from it would make the stored hash a login): that user fails at the proof, as a wrong
 * password does, with the remedy in the broker's log. Such a user, and one that does not exist, still gets a
 * server-first-message, with a salt that stays the same for that name, and fails only at the proof: the exchange
 * does not tell which user names exist. Channel binding is not offered (no -PLUS mechanism).
 * <p>
 * Not thread-safe: one connection drives it, on its event loop. The outcome is only a {@link Login}: its delay and
 * counting are {@link Logins}'s, as for any other login.
 */
public final class ScramSha256 {
    public static final String MECHANISM = "SCRAM-SHA-256";
    private static final ScramMechanism SHA_256 = ScramMechanism.SCRAM_SHA_256;
    private static final int NONCE_CHARACTERS = 24;
    /** As long as the salts of {@link PasswordHash}. */
    private static final int DECOY_SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final UserRegistry registry;
    /** Keys the salts of users that cannot log in with SCRAM: a secret of this process. */
    private final byte[] decoyKey;
    /** The gs2-header and client-first-message-bare exactly as received: the AuthMessage is made of them. */
    private String gs2Header;
    private String clientFirstBare;
    private String user;
    private ServerFirstMessage serverFirst;
    private String serverFirstMessage;
    /** The user's stored keys; null when the proof can only fail. */
    private StoredScramKeys keys;
    private String unusable;
    private byte[] serverSignature;

    ScramSha256(UserRegistry registry, byte[] decoyKey) {
        this.registry = registry;
        this.decoyKey = decoyKey;
    }

    /** The user name the client gave in its client-first-message; empty before it. */
    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    /**
     * Reads the client-first-message and answers with the server-first-message.
     *
     * @throws ScramException when the message is not a client-first-message this server can go on with
     */
    public String serverFirst(String clientFirstMessage) throws ScramException {
        if (serverFirst != null) {
            throw new IllegalStateException("the client-first-message was already read");
        }
        // The library checks the syntax and reads the nonce and flags; the names are read here from the text, as
        // its parsed names come back escaped once more than sent.
        ClientFirstMessage first = ClientFirstMessage.parseFrom(clientFirstMessage);
        if (first.getGs2Header().getChannelBindingFlag() == Gs2CbindFlag.CHANNEL_BINDING_REQUIRED) {
            throw new ScramException("channel binding is not offered (" + MECHANISM + " without -PLUS)");
        }
        int headerEnd = clientFirstMessage.indexOf(',', clientFirstMessage.indexOf(',') + 1) + 1;
        String header = clientFirstMessage.substring(0, headerEnd);
        String bare = clientFirstMessage.substring(headerEnd);
        String name = saslName(bare.substring("n=".length(), bare.indexOf(',')));
        if (header.length() > "n,,".length() && !saslName(header.substring(header.indexOf("a=") + 2,
                header.length() - 1)).equals(name)) {
            // One user per login: an authorization identity other than the authenticated one is never taken.
            throw new ScramException("an authorization identity other than the user name is not supported");
        }
        gs2Header = header;
        clientFirstBare = bare;
        user = name;
        byte[] salt;
        int iterations;
        Optional<UserDefinition> known = registry.user(name);
        keys = known.map(UserDefinition::passwordHash).flatMap(ScramSha256::scramKeys).orElse(null);
        if (keys != null) {
            salt = keys.salt();
            iterations = keys.iterations();
        } else {
            unusable = known.isEmpty() ? "no user '" + name + "'"
                    : "the password of user '" + name + "' is not stored as " + PasswordHash.SCRAM_SHA_256
                    + " but in the old " + PasswordHash.LEGACY_PBKDF2_SHA256 + " form, from which " + MECHANISM
                    + " keys are never derived: the user must log in once with its password (which stores it"
                    + " anew) or have its password set again";
            salt = Arrays.copyOf(ScramFunctions.hmac(SHA_256, decoyKey, name.getBytes(StandardCharsets.UTF_8)),
                    DECOY_SALT_BYTES);
            iterations = registry.hashIterations();
        }
        serverFirst = new ServerFirstMessage(first.getClientNonce(), ScramFunctions.nonce(NONCE_CHARACTERS, RANDOM),
                Base64.getEncoder().encodeToString(salt), iterations);
        serverFirstMessage = serverFirst.toString();
        return serverFirstMessage;
    }

    /** A saslname with its escapes ({@code =2C} for a comma, {@code =3D} for an equals sign) undone (RFC 5802). */
    private static String saslName(String escaped) throws ScramParseException {
        StringBuilder name = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '=') {
                name.append(c);
            } else if (escaped.startsWith("=2C", i)) {
                name.append(',');
                i += 2;
            } else if (escaped.startsWith("=3D", i)) {
                name.append('=');
                i += 2;
            } else {
                throw new ScramParseException("'=' not followed by 2C or 3D in the name '" + escaped + "'");
            }
        }
        return name.toString();
    }

    /**
     * Checks the client-final-message's proof.
     *
     * @return the login: accepted, or bad credentials with the reason for the broker's log
     */
    public Login verify(String clientFinalMessage) {
        if (serverFirst == null) {
            throw new IllegalStateException("no server-first-message was sent");
        }
        int proofAt = clientFinalMessage.lastIndexOf(",p=");
        String withoutProof = proofAt < 0 ? "" : clientFinalMessage.substring(0, proofAt);
        byte[] proof = proofAt < 0 ? null : proof(clientFinalMessage.substring(proofAt + ",p=".length()));
        // Channel binding and nonce must be what the first two messages imply; optional extensions are not taken.
        String expected = "c=" + Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.UTF_8))
                + ",r=" + serverFirst.getNonce();
        if (proof == null || !withoutProof.equals(expected)) {
            return Login.badCredentials(user, "the client-final-message is malformed or does not continue this"
                    + " exchange (channel binding or nonce differ)");
        }
        if (keys == null) {
            return Login.badCredentials(user, unusable);
        }
        String authMessage = clientFirstBare + "," + serverFirstMessage + "," + withoutProof;
        if (!keys.verifiesProof(proof, authMessage)) {
            return Login.badCredentials(user, "invalid " + MECHANISM + " proof for user '" + user + "'");
        }
        serverSignature = keys.serverSignature(authMessage);
        return Login.accepted(user);
    }

    /** The server-final-message, after {@link #verify} accepted the client's proof. */
    public String serverFinal() {
        if (serverSignature == null) {
            throw new IllegalStateException("the client's proof was not accepted");
        }
        return new ServerFinalMessage(serverSignature).toString();
    }

    /** The decoded proof, or null when it is not base64 of a SHA-256 length. */
    private static byte[] proof(String base64) {
        try {
            byte[] proof = Base64.getDecoder().decode(base64);
            return proof.length == StoredScramKeys.KEY_BYTES ? proof : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The keys of a stored password in the {@code scram-sha-256} form; empty for any other. */
    private static Optional<StoredScramKeys> scramKeys(String encoded) {
        try {
            return PasswordHash.parse(encoded) instanceof StoredScramKeys keys ? Optional.of(keys) : Optional.empty();
        } catch (IllegalArgumentException e) {
            // Only a store written by hand can hold one that does not parse; the password path reports it.
            return Optional.empty();
        }
    }
}
