package dev.junction.server.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.security.auth.x500.X500Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsTheChainInFileOrderAndThePkcs8Key() throws Exception {
        TestPki.Issued ca = TestPki.ca("Chain CA");
        TestPki.Issued server = TestPki.server(ca);
        Path chain = dir.resolve("chain.pem");
        server.writeCertificate(chain);
        Files.writeString(chain, Files.readString(chain) + Files.readString(writeCertificate(ca)));
        server.writeKey(dir.resolve("key.pem"));

        assertEquals(List.of(server.certificate(), ca.certificate()),
                PemFiles.certificates("tls.cert_file", chain));
        assertEquals(server.keys().getPrivate(), PemFiles.privateKey("tls.key_file", dir.resolve("key.pem")));
    }

    private Path writeCertificate(TestPki.Issued issued) throws Exception {
        Path file = Files.createTempFile(dir, "cert", ".pem");
        issued.writeCertificate(file);
        return file;
    }

    @Test
    void aTraditionalKeyFormatGetsTheConversionCommand() throws Exception {
        Path key = Files.writeString(dir.resolve("rsa.key"),
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        TlsFileException e = assertThrows(TlsFileException.class, () -> PemFiles.privateKey("tls.key_file", key));
        assertEquals("tls.key_file " + key + ": holds a RSA PRIVATE KEY, not an unencrypted PKCS#8 PRIVATE KEY;"
                + " convert it with: openssl pkcs8 -topk8 -nocrypt -in rsa.key -out key.pem", e.getMessage());
    }

    @Test
    void garbageIsNamedAsSuch() throws Exception {
        Path file = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        assertEquals("tls.key_file " + file + ": no PEM block in it (expected -----BEGIN PRIVATE KEY-----)",
                assertThrows(TlsFileException.class, () -> PemFiles.privateKey("tls.key_file", file)).getMessage());
        assertThrows(TlsFileException.class, () -> PemFiles.certificates("tls.cert_file", file));
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals("tls.ca_file " + empty + ": no certificate in it (expected PEM blocks"
                        + " -----BEGIN CERTIFICATE-----)",
                assertThrows(TlsFileException.class, () -> PemFiles.certificates("tls.ca_file", empty)).getMessage());
    }

    @Test
    void theMostSpecificCommonNameIsTheUser() {
        assertEquals(Optional.of("device-17"),
                ClientCertificates.commonName(new X500Principal("CN=device-17, OU=Fleet, CN=Outer, O=Acme")));
        assertEquals(Optional.empty(), ClientCertificates.commonName(new X500Principal("O=Acme")));
    }
}
