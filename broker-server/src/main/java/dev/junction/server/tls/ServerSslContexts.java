package dev.junction.server.tls;

import dev.junction.server.config.ConfigKeys;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;

/** Builds the server side TLS context from the configured PEM files: TLS 1.2 and 1.3 only. */
final class ServerSslContexts {
    private static final Logger log = LoggerFactory.getLogger(ServerSslContexts.class);
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private ServerSslContexts() {
    }

    static SslContext build(TlsSettings settings) throws TlsFileException {
        List<X509Certificate> chain = PemFiles.certificates(ConfigKeys.TLS_CERT_FILE.name(), settings.certFile());
        PrivateKey key = PemFiles.privateKey(ConfigKeys.TLS_KEY_FILE.name(), settings.keyFile());
        X509Certificate leaf = chain.get(0);
        checkKeyMatches(settings, leaf.getPublicKey(), key);
        warnIfOutsideValidity(settings, leaf);
        SslContextBuilder builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                .sslProvider(settings.provider())
                .protocols(PROTOCOLS)
                .clientAuth(settings.clientAuth());
        ClientTrust.apply(builder, settings);
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new TlsFileException("cannot set up TLS with " + settings.certFile() + " and "
                    + settings.keyFile() + ": " + e.getMessage(), e);
        }
    }

    /** A mismatched pair would only show up as failed handshakes; a signature round trip catches it at load. */
    private static void checkKeyMatches(TlsSettings settings, PublicKey publicKey, PrivateKey key)
            throws TlsFileException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "junction key check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new TlsFileException(ConfigKeys.TLS_KEY_FILE.name() + " " + settings.keyFile()
                    + " is not the private key of the certificate in " + ConfigKeys.TLS_CERT_FILE.name() + " "
                    + settings.certFile());
        }
    }

    /** Served anyway: refusing to start over a clock or renewal problem would take every client down. */
    private static void warnIfOutsideValidity(TlsSettings settings, X509Certificate leaf) {
        Date now = new Date();
        if (now.after(leaf.getNotAfter())) {
            log.warn("The certificate in {} expired on {}; clients will refuse it", settings.certFile(),
                    leaf.getNotAfter().toInstant());
        } else if (now.before(leaf.getNotBefore())) {
            log.warn("The certificate in {} is not valid before {}; clients will refuse it", settings.certFile(),
                    leaf.getNotBefore().toInstant());
        }
    }
}
