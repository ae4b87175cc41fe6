package dev.junction.server.auth;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.client.ScramClient.PasswordBuildStage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What someone holding only a user's stored password string (a copy of the data directory, a definitions export,
 * the management API) can try against SCRAM-SHA-256: the attack a stored form must not allow.
 */
public final class StoredStringAttacks {
    private StoredStringAttacks() {
    }

    /**
     * Every SCRAM client that can be made of {@code stored}: the string, or one of its fields, as the password;
     * each 32-byte field (a SHA-256 output) as SaltedPassword; each pair of them as ClientKey and ServerKey.
     */
    public static List<ScramClient> clients(String user, String stored) {
        String[] parts = stored.split("\\$");
        List<String> fields = Arrays.asList(parts).subList(2, parts.length);
        List<byte[]> keys = fields.stream().map(Base64.getDecoder()::decode).filter(bytes -> bytes.length == 32)
                .toList();
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no 32-byte field in " + stored);
        }
        List<ScramClient> clients = new ArrayList<>();
        clients.add(builder(user).password(stored.toCharArray()).build());
        fields.forEach(field -> clients.add(builder(user).password(field.toCharArray()).build()));
        for (byte[] key : keys) {
            clients.add(builder(user).saltedPassword(key).build());
            for (byte[] other : keys) {
                clients.add(builder(user).clientAndServerKey(key, other).build());
            }
        }
        return clients;
    }

    private static PasswordBuildStage builder(String user) {
        return ScramClient.builder().advertisedMechanisms(List.of(ScramSha256.MECHANISM)).username(user);
    }
}
