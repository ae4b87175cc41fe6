package dev.junction.server.ctl;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** {@code --cacert}: a TLS client context that trusts exactly the CA certificates of one PEM file. */
final class TrustedCertificates {
    private TrustedCertificates() {
    }

    static SSLContext sslContext(Path pemFile) {
        Collection<? extends Certificate> certificates = read(pemFile);
        try {
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            int alias = 0;
            for (Certificate certificate : certificates) {
                trustStore.setCertificateEntry("ca-" + alias++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new CtlException(JunctionCtl.EXIT_FAILURE, "cannot set up TLS with --cacert " + pemFile + ": "
                    + e.getMessage());
        }
    }

    private static Collection<? extends Certificate> read(Path pemFile) {
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (NoSuchFileException e) {
            throw usage(pemFile, "no such file");
        } catch (IOException e) {
            throw usage(pemFile, "cannot read: " + e.getMessage());
        } catch (CertificateException e) {
            throw usage(pemFile, "not PEM certificates: " + e.getMessage());
        }
        if (certificates.isEmpty()) {
            throw usage(pemFile, "holds no certificate");
        }
        return certificates;
    }

    private static CtlException usage(Path pemFile, String problem) {
        return new CtlException(JunctionCtl.EXIT_USAGE, "--cacert " + pemFile + ": " + problem);
    }
}
