package dev.junction.server.tls;

import dev.junction.server.StartupException;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKeys;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** The {@code tls.*} keys, checked for consistency: where the server's certificate and key are, whom it trusts. */
record TlsSettings(Path certFile, Path keyFile, Optional<Path> caFile, Optional<Path> crlFile,
                   ClientAuth clientAuth, SslProvider provider, Duration reloadInterval) {

    /** Empty when neither {@code tls.cert_file} nor {@code tls.key_file} is set: TLS is not configured. */
    static Optional<TlsSettings> from(Config config) throws StartupException {
        Optional<Path> cert = config.get(ConfigKeys.TLS_CERT_FILE);
        Optional<Path> key = config.get(ConfigKeys.TLS_KEY_FILE);
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw StartupException.setup(ConfigKeys.TLS_CERT_FILE.name() + " and " + ConfigKeys.TLS_KEY_FILE.name()
                    + " must be set together; only " + (cert.isPresent() ? ConfigKeys.TLS_CERT_FILE.name()
                    : ConfigKeys.TLS_KEY_FILE.name()) + " is");
        }
        ClientAuth clientAuth = switch (config.get(ConfigKeys.TLS_VERIFY_PEER)) {
            case "OPTIONAL" -> ClientAuth.OPTIONAL;
            case "REQUIRED" -> ClientAuth.REQUIRE;
            default -> ClientAuth.NONE;
        };
        Optional<Path> ca = config.get(ConfigKeys.TLS_CA_FILE);
        if (clientAuth != ClientAuth.NONE && ca.isEmpty()) {
            throw StartupException.setup(ConfigKeys.TLS_VERIFY_PEER.name() + " = "
                    + config.get(ConfigKeys.TLS_VERIFY_PEER).toLowerCase(Locale.ROOT) + " needs "
                    + ConfigKeys.TLS_CA_FILE.name() + " to check client certificates against");
        }
        Optional<Path> crl = config.get(ConfigKeys.TLS_CRL_FILE);
        if (crl.isPresent() && clientAuth == ClientAuth.NONE) {
            throw StartupException.setup(ConfigKeys.TLS_CRL_FILE.name() + " is set, but "
                    + ConfigKeys.TLS_VERIFY_PEER.name() + " = none asks for no client certificate to check it"
                    + " against; set it to optional or required");
        }
        return Optional.of(new TlsSettings(cert.get(), key.get(), ca, crl, clientAuth, provider(config),
                Duration.ofSeconds(config.get(ConfigKeys.TLS_RELOAD_INTERVAL))));
    }

    private static SslProvider provider(Config config) throws StartupException {
        return switch (config.get(ConfigKeys.TLS_PROVIDER)) {
            case "JDK" -> SslProvider.JDK;
            case "OPENSSL" -> {
                if (!OpenSsl.isAvailable()) {
                    throw StartupException.setup(ConfigKeys.TLS_PROVIDER.name() + " = openssl, but its native"
                            + " library does not load here: " + OpenSsl.unavailabilityCause().getMessage());
                }
                yield SslProvider.OPENSSL;
            }
            default -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }
}
