package dev.junction.server.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CRLException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads certificates, CRLs and PKCS#8 private keys from PEM files, with errors that say how to fix the file. */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");

    private PemFiles() {
    }

    /** Every certificate in the file, in file order; at least one. */
    static List<X509Certificate> certificates(String keyName, Path file) throws TlsFileException {
        byte[] bytes = read(keyName, file);
        try {
            List<X509Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)).stream()
                    .map(X509Certificate.class::cast).toList();
            if (certificates.isEmpty()) {
                throw new TlsFileException(keyName + " " + file + ": no certificate in it (expected PEM blocks"
                        + " -----BEGIN CERTIFICATE-----)");
            }
            return certificates;
        } catch (CertificateException e) {
            throw new TlsFileException(keyName + " " + file + ": not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    /** Every certificate revocation list in the file, PEM ({@code BEGIN X509 CRL}) or DER; at least one. */
    static List<X509CRL> revocationLists(String keyName, Path file) throws TlsFileException {
        byte[] bytes = read(keyName, file);
        try {
            List<X509CRL> lists = CertificateFactory.getInstance("X.509")
                    .generateCRLs(new ByteArrayInputStream(bytes)).stream().map(X509CRL.class::cast).toList();
            if (lists.isEmpty()) {
                throw new TlsFileException(keyName + " " + file + ": no CRL in it (expected DER or PEM blocks"
                        + " -----BEGIN X509 CRL-----)");
            }
            return lists;
        } catch (CertificateException | CRLException e) {
            throw new TlsFileException(keyName + " " + file + ": not a PEM or DER CRL file: " + e.getMessage(), e);
        }
    }

    /** The single unencrypted PKCS#8 key in the file. */
    static PrivateKey privateKey(String keyName, Path file) throws TlsFileException {
        String text = new String(read(keyName, file), StandardCharsets.US_ASCII);
        Matcher block = BLOCK.matcher(text);
        if (!block.find()) {
            throw new TlsFileException(keyName + " " + file + ": no PEM block in it (expected -----BEGIN PRIVATE"
                    + " KEY-----)");
        }
        String type = block.group(1);
        if (!type.equals("PRIVATE KEY")) {
            throw new TlsFileException(keyName + " " + file + ": holds a " + type + ", not an unencrypted PKCS#8"
                    + " PRIVATE KEY; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName()
                    + " -out key.pem");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2).strip());
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(keyName + " " + file + ": the PRIVATE KEY block is not valid base64", e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | IllegalArgumentException notThisAlgorithm) {
                // The encoding names its algorithm; trying the few TLS uses is simpler than parsing the ASN.1.
            }
        }
        throw new TlsFileException(keyName + " " + file + ": not an RSA, EC or EdDSA PKCS#8 private key");
    }

    private static byte[] read(String keyName, Path file) throws TlsFileException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TlsFileException(keyName + " " + file + ": no such file", e);
        } catch (AccessDeniedException e) {
            throw new TlsFileException(keyName + " " + file + ": permission denied", e);
        } catch (IOException e) {
            throw new TlsFileException(keyName + " " + file + ": cannot read it: " + e.getMessage(), e);
        }
    }
}
