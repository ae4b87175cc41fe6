package dev.junction.server.tls;

/** A TLS file cannot be used; the message names the key, the file and what is wrong with it. */
final class TlsFileException extends Exception {
    TlsFileException(String message) {
        super(message);
    }

    TlsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
