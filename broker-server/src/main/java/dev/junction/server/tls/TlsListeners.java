package dev.junction.server.tls;

import dev.junction.server.StartupException;
import dev.junction.server.config.Config;
import dev.junction.server.config.ConfigKey;
import dev.junction.server.config.ConfigKeys;
import dev.junction.server.config.ListenPort;
import dev.junction.server.net.Protocol;
import dev.junction.server.net.ProtocolListener;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The TLS variants of the plain listeners, management included: the same pipeline behind a TLS handler, on the
 * {@code *.tls.port} and {@code mqtt.wss.port} ports. Off, with one INFO line, while no certificate is configured, so that a broker
 * started with defaults comes up; a TLS port the operator chose without a certificate stops the start instead.
 */
public final class TlsListeners implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TlsListeners.class);
    private static final Map<Protocol, Protocol> SECURE_VARIANT = Map.of(
            Protocol.MQTT, Protocol.MQTT_TLS,
            Protocol.MQTT_WEBSOCKET, Protocol.MQTT_WSS,
            Protocol.AMQP, Protocol.AMQP_TLS,
            Protocol.HTTP, Protocol.HTTPS);

    /** Empty while TLS is off. */
    private final Optional<ReloadingSslContext> context;

    private TlsListeners(Optional<ReloadingSslContext> context) {
        this.context = context;
    }

    /** For a server assembled without TLS. */
    public static TlsListeners off() {
        return new TlsListeners(Optional.empty());
    }

    /** Loads the certificate (a bad file is a start-up error) and starts watching its files for changes. */
    public static TlsListeners start(Config config) throws StartupException {
        Optional<TlsSettings> settings = TlsSettings.from(config);
        if (settings.isEmpty()) {
            List<String> chosenPorts = chosenTlsPorts(config);
            if (!chosenPorts.isEmpty()) {
                throw StartupException.setup(String.join(", ", chosenPorts) + " needs tls.cert_file and"
                        + " tls.key_file (PEM) to be set");
            }
            log.info("TLS listeners off: tls.cert_file and tls.key_file are not set");
            return off();
        }
        ReloadingSslContext context;
        try {
            context = ReloadingSslContext.load(settings.get());
        } catch (TlsFileException e) {
            throw StartupException.setup(e.getMessage());
        }
        log.info("TLS with {} (TLS 1.3 and 1.2), certificate from {}, client certificates: {}",
                settings.get().provider() == SslProvider.OPENSSL ? OpenSsl.versionString() : "the JDK provider",
                settings.get().certFile(), config.get(ConfigKeys.TLS_VERIFY_PEER).toLowerCase(Locale.ROOT));
        return new TlsListeners(Optional.of(context));
    }

    /**
     * Every protocol that can listen with this TLS setting, in {@link Protocol}'s order: the plain ones, and while
     * TLS is on their TLS variants.
     */
    public List<Protocol> possibleProtocols() {
        return Arrays.stream(Protocol.values())
                .filter(protocol -> SECURE_VARIANT.containsKey(protocol) || context.isPresent())
                .toList();
    }

    /** The TLS variants of those {@code plain} listeners that have one, in their order; empty when TLS is off. */
    public List<ProtocolListener> secured(List<ProtocolListener> plain) {
        return context.map(tls -> plain.stream()
                .filter(listener -> SECURE_VARIANT.containsKey(listener.protocol()))
                .map(listener -> new ProtocolListener(SECURE_VARIANT.get(listener.protocol()),
                        pipeline -> secure(pipeline, tls, listener)))
                .toList()).orElse(List.of());
    }

    private static void secure(ChannelPipeline pipeline, ReloadingSslContext context, ProtocolListener plain) {
        pipeline.addLast("tls", context.newHandler(pipeline.channel().alloc()));
        pipeline.addLast("tls-handshake-failures", new HandshakeFailureLogger(plain.protocol() == Protocol.HTTP));
        plain.pipelineInitializer().accept(pipeline);
    }

    /**
     * TLS ports set to something other than their default. The shipped junction.conf lists every default, so a
     * default written out does not count as the operator asking for TLS.
     */
    private static List<String> chosenTlsPorts(Config config) {
        return SECURE_VARIANT.values().stream()
                .map(Protocol::portKey)
                .filter(key -> isChosen(config, key))
                .map(key -> key.name() + " = " + describe(config.get(key)))
                .sorted()
                .toList();
    }

    private static boolean isChosen(Config config, ConfigKey<ListenPort> key) {
        ListenPort port = config.get(key);
        return config.isSet(key) && port.enabled() && !port.equals(key.defaultValue());
    }

    private static String describe(ListenPort port) {
        return port.bindPort() == 0 ? "ephemeral" : String.valueOf(port.bindPort());
    }

    /** Reads the certificate, key and CA files again now, for new connections; nothing while TLS is off. */
    public void reload() {
        context.ifPresent(ReloadingSslContext::reload);
    }

    /** Stops watching the TLS files. */
    @Override
    public void close() {
        context.ifPresent(ReloadingSslContext::close);
    }
}
