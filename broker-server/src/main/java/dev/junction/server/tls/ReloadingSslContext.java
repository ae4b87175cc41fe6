package dev.junction.server.tls;

import dev.junction.server.config.FileStamp;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The server's TLS context, rebuilt when one of its files changes so that a renewed certificate or a new CRL
 * reaches new connections without a restart. Open connections keep the context they were accepted with.
 */
final class ReloadingSslContext implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReloadingSslContext.class);

    private final TlsSettings settings;
    private final ScheduledExecutorService poller;
    private volatile SslContext current;
    /** Touched under this object's lock, by the poller thread and by {@link #reload()}. */
    private List<FileStamp> loadedStamps;

    private ReloadingSslContext(TlsSettings settings, SslContext initial, List<FileStamp> stamps) {
        this.settings = settings;
        this.current = initial;
        this.loadedStamps = stamps;
        this.poller = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("junction-tls-reload", true));
        long interval = settings.reloadInterval().toMillis();
        poller.scheduleWithFixedDelay(this::reloadIfChanged, interval, interval, TimeUnit.MILLISECONDS);
    }

    static ReloadingSslContext load(TlsSettings settings) throws TlsFileException {
        List<FileStamp> stamps = stamps(settings);
        return new ReloadingSslContext(settings, ServerSslContexts.build(settings), stamps);
    }

    SslHandler newHandler(ByteBufAllocator allocator) {
        return current.newHandler(allocator);
    }

    private synchronized void reloadIfChanged() {
        List<FileStamp> stamps = stamps(settings);
        if (!stamps.equals(loadedStamps)) {
            load(stamps, "TLS files changed");
        }
    }

    /** Rebuilds the context from the files now, changed or not (the server's SIGHUP reload). */
    synchronized void reload() {
        load(stamps(settings), "TLS files reloaded");
    }

    private void load(List<FileStamp> stamps, String why) {
        // Remembered even if loading fails, so a half-replaced pair is reported once and retried on the next change.
        loadedStamps = stamps;
        try {
            current = ServerSslContexts.build(settings);
            log.info("{}; new connections use the certificate now in {}", why, settings.certFile());
        } catch (TlsFileException | RuntimeException e) {
            log.warn("{} but cannot be used, keeping the previous certificate: {}", why, e.getMessage());
        }
    }

    private static List<FileStamp> stamps(TlsSettings settings) {
        List<FileStamp> stamps = new ArrayList<>(4);
        stamps.add(FileStamp.of(settings.certFile()));
        stamps.add(FileStamp.of(settings.keyFile()));
        settings.caFile().ifPresent(ca -> stamps.add(FileStamp.of(ca)));
        settings.crlFile().ifPresent(crl -> stamps.add(FileStamp.of(crl)));
        return stamps;
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }
}
