package dev.junction.server.mqtt;

import dev.junction.core.Broker;
import dev.junction.core.vhost.VirtualHost;
import dev.junction.mqtt.codec.MqttDecoder;
import dev.junction.mqtt.codec.MqttEncoder;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The MQTT side of the broker: what every MQTT connection shares (settings, sessions, retained messages,
 * statistics) and the pipeline each new connection gets.
 */
public final class MqttBroker implements AutoCloseable {
    private final MqttSettings settings;
    private final VirtualHost vhost;
    private final RetainedMessages retained = new RetainedMessages();
    private final MqttStats stats = new MqttStats();
    private final MqttPublisher publisher;
    private final MqttAuthenticator authenticator;
    private final SessionRegistry sessions = new SessionRegistry(this);
    private ScheduledFuture<?> sysTask;

    public MqttBroker(Broker core, MqttSettings settings) {
        this.settings = settings;
        this.vhost = core.addVirtualHost(settings.vhost());
        if (vhost.exchange(settings.exchange()) == null) {
            throw new IllegalArgumentException("mqtt.exchange '" + settings.exchange() + "' does not exist in vhost '"
                    + settings.vhost() + "'");
        }
        this.publisher = new MqttPublisher(vhost, settings.exchange(), retained, stats);
        this.authenticator = new MqttAuthenticator(settings.users(), settings.allowAnonymous());
    }

    /** Sets up an accepted connection's pipeline (TCP, or the frames of a WebSocket). */
    public void initPipeline(ChannelPipeline pipeline) {
        pipeline.addLast("mqtt-decoder", new MqttDecoder(settings.maxPacketSize()));
        pipeline.addLast("mqtt-encoder", MqttEncoder.INSTANCE);
        pipeline.addLast("mqtt-connection", new MqttConnection(this));
    }

    /** Starts publishing {@code $SYS/broker/...} every {@code mqtt.sys_interval}, at once and then periodically. */
    public void startSysTopics(EventExecutor executor) {
        SysTopics sysTopics = new SysTopics(this);
        long period = settings.sysInterval().toMillis();
        sysTask = executor.scheduleAtFixedRate(sysTopics::publish, 0, period, TimeUnit.MILLISECONDS);
    }

    /** Clients connected now. */
    public int clientsConnected() {
        return stats.clientsConnected.get();
    }

    /** Sessions known now, connected or not. */
    public int sessionCount() {
        return sessions.size();
    }

    @Override
    public void close() {
        if (sysTask != null) {
            sysTask.cancel(false);
        }
        retained.clear();
    }

    MqttSettings settings() {
        return settings;
    }

    VirtualHost vhost() {
        return vhost;
    }

    RetainedMessages retained() {
        return retained;
    }

    MqttStats stats() {
        return stats;
    }

    MqttPublisher publisher() {
        return publisher;
    }

    MqttAuthenticator authenticator() {
        return authenticator;
    }

    SessionRegistry sessions() {
        return sessions;
    }
}
