package dev.junction.server.tls;

import dev.junction.server.config.ConfigKeys;
import io.netty.handler.ssl.SslContextBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.CertStore;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.PKIXRevocationChecker;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;

/**
 * Whom client certificates are checked against: the CAs of {@code tls.ca_file} and, when {@code tls.crl_file} is
 * set, the revocation lists in it. The same trust serves every TLS listener (MQTT, AMQP, the management port) and is
 * rebuilt with the certificates on reload, so a new CRL applies to the next handshake.
 */
final class ClientTrust {
    private static final Logger log = LoggerFactory.getLogger(ClientTrust.class);

    private ClientTrust() {
    }

    /** Sets the builder's trust; without a CA file the server trusts no client and asks for no certificate. */
    static void apply(SslContextBuilder builder, TlsSettings settings) throws TlsFileException {
        if (settings.caFile().isEmpty()) {
            return;
        }
        List<X509Certificate> authorities = PemFiles.certificates(ConfigKeys.TLS_CA_FILE.name(),
                settings.caFile().get());
        if (settings.crlFile().isEmpty()) {
            builder.trustManager(authorities.toArray(X509Certificate[]::new));
        } else {
            builder.trustManager(revocationChecking(authorities, settings.crlFile().get()));
        }
    }

    /**
     * Only the client's own certificate is looked up, and only in the file: no OCSP, no download. A certificate
     * whose issuer has no list in the file cannot be shown not to be revoked, so it is refused, as OpenSSL does.
     */
    private static TrustManagerFactory revocationChecking(List<X509Certificate> authorities, Path crlFile)
            throws TlsFileException {
        List<X509CRL> lists = PemFiles.revocationLists(ConfigKeys.TLS_CRL_FILE.name(), crlFile);
        warnIfOutdated(crlFile, lists);
        try {
            KeyStore anchors = KeyStore.getInstance("PKCS12");
            anchors.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                anchors.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(lists)));
            PKIXRevocationChecker checker = (PKIXRevocationChecker) CertPathValidator.getInstance("PKIX")
                    .getRevocationChecker();
            checker.setOptions(EnumSet.of(PKIXRevocationChecker.Option.PREFER_CRLS,
                    PKIXRevocationChecker.Option.NO_FALLBACK, PKIXRevocationChecker.Option.ONLY_END_ENTITY));
            parameters.setRevocationEnabled(true);
            parameters.addCertPathChecker(checker);
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            return factory;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsFileException("cannot check client certificates against " + ConfigKeys.TLS_CRL_FILE.name()
                    + " " + crlFile + ": " + e.getMessage(), e);
        }
    }

    /** Loaded anyway, but a list past its next update proves nothing, so every certificate of its CA is refused. */
    private static void warnIfOutdated(Path crlFile, List<X509CRL> lists) {
        Date now = new Date();
        for (X509CRL list : lists) {
            if (list.getNextUpdate() != null && now.after(list.getNextUpdate())) {
                log.warn("The CRL of {} in {} was due for replacement on {}; client certificates of that CA are"
                        + " refused until it is replaced", list.getIssuerX500Principal().getName(), crlFile,
                        list.getNextUpdate().toInstant());
            }
        }
    }
}
