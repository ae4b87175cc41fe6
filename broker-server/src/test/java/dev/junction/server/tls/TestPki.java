package dev.junction.server.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/** Certificates made on the spot for TLS tests: a CA, the leaf certificates it signs and its CRLs. */
public final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final char[] NO_PASSWORD = new char[0];

    /** A certificate with its key pair; the CA of a chain signs with {@link #keys()}. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
        public void writeCertificate(Path file) throws IOException {
            Files.writeString(file, pem("CERTIFICATE", encoded(certificate)));
        }

        public void writeKey(Path file) throws IOException {
            Files.writeString(file, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        }

        /** A client context presenting this certificate and trusting {@code ca}. */
        SSLContext clientContext(Issued ca) throws GeneralSecurityException, IOException {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("client", keys.getPrivate(), NO_PASSWORD, new Certificate[]{certificate});
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keyStore, NO_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers.getKeyManagers(), trusting(ca).getTrustManagers(), null);
            return context;
        }
    }

    private TestPki() {
    }

    public static Issued ca(String commonName) throws Exception {
        KeyPair keys = newKeys();
        return new Issued(sign(commonName, keys, commonName, keys, validFromNow(), true), keys);
    }

    public static Issued server(Issued ca) throws Exception {
        return issue(ca, "localhost", validFromNow());
    }

    static Issued expiredServer(Issued ca) throws Exception {
        Instant past = Instant.now().minus(Duration.ofDays(30));
        return issue(ca, "localhost", new Validity(past, past.plus(Duration.ofDays(1))));
    }

    static Issued client(Issued ca, String commonName) throws Exception {
        return issue(ca, commonName, validFromNow());
    }

    /** A CRL of {@code ca}, valid for a day, revoking {@code revoked}; DER-encoded. */
    static byte[] crl(Issued ca, Issued... revoked) throws Exception {
        Instant now = Instant.now();
        X509v2CRLBuilder builder = new X509v2CRLBuilder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), Date.from(now));
        builder.setNextUpdate(Date.from(now.plus(Duration.ofDays(1))));
        for (Issued certificate : revoked) {
            builder.addCRLEntry(certificate.certificate().getSerialNumber(), Date.from(now), CRLReason.keyCompromise);
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.keys().getPrivate()))
                .getEncoded();
    }

    static void writeCrlPem(Path file, byte[] der) throws IOException {
        Files.writeString(file, pem("X509 CRL", der));
    }

    /** A client context without a certificate of its own, trusting {@code ca}. */
    public static SSLContext trustingOnly(Issued ca) throws GeneralSecurityException, IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trusting(ca).getTrustManagers(), null);
        return context;
    }

    public static TrustManagerFactory trusting(Issued ca) throws GeneralSecurityException, IOException {
        KeyStore trustStore = KeyStore.getInstance("PKCS12");
        trustStore.load(null, null);
        trustStore.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trustStore);
        return trustManagers;
    }

    private record Validity(Instant notBefore, Instant notAfter) {
    }

    private static Validity validFromNow() {
        Instant now = Instant.now();
        return new Validity(now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1)));
    }

    private static Issued issue(Issued ca, String commonName, Validity validity) throws Exception {
        KeyPair keys = newKeys();
        return new Issued(sign(commonName, keys, ca.certificate().getSubjectX500Principal().getName(), ca.keys(),
                validity, false), keys);
    }

    private static X509Certificate sign(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                        Validity validity, boolean isCa) throws Exception {
        X500Name subjectName = subject.contains("=") ? new X500Name(subject) : new X500Name("CN=" + subject);
        X500Name issuerName = issuer.contains("=") ? new X500Name(issuer) : new X500Name("CN=" + issuer);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(validity.notBefore()),
                Date.from(validity.notAfter()), subjectName, subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (!isCa) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        return new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
