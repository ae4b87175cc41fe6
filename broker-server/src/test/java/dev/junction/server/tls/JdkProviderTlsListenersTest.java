package dev.junction.server.tls;

/** Every TLS listener test again, with the JDK's TLS implementation instead of BoringSSL. */
class JdkProviderTlsListenersTest extends TlsListenersTest {
    @Override
    String provider() {
        return "JDK";
    }
}
